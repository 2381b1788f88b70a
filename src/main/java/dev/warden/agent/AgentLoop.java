package dev.warden.agent;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.warden.agent.FirewallStage.Screening;
import dev.warden.agent.ModelStage.ModelEvent;
import dev.warden.config.WardenConfig;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The agent loop: firewall → memory (the session's window, then long-term memories, screened) → model → tools → model …
 * until the model answers without asking for a tool, or
 * the step limit. Emits the turn's events in order and ends with exactly one {@link AgentEvent.TurnCompleted}; the
 * {@link TurnRunner} persists the conversation before passing that last event on.
 */
@ApplicationScoped
public class AgentLoop {

    private final FirewallStage firewall;
    private final MemoryStage memory;
    private final ModelStage model;
    private final ToolStage tools;
    private final WardenConfig config;

    public AgentLoop(
            FirewallStage firewall, MemoryStage memory, ModelStage model, ToolStage tools, WardenConfig config) {
        this.firewall = firewall;
        this.memory = memory;
        this.model = model;
        this.tools = tools;
        this.config = config;
    }

    public Multi<AgentEvent> run(Turn turn) {
        Multi<AgentEvent> received =
                Multi.createFrom().item(new AgentEvent.MessageReceived(turn.messageId(), turn.text()));
        return Multi.createBy().concatenating().streams(received, screenAndConverse(turn));
    }

    private Multi<AgentEvent> screenAndConverse(Turn turn) {
        return firewall.screen(turn).onItem().transformToMulti(screening -> switch (screening) {
            case Screening.Accepted accepted ->
                Multi.createBy()
                        .concatenating()
                        .streams(
                                Multi.createFrom().items(accepted.verdict(), new AgentEvent.UserInput(accepted.text())),
                                converse(turn, accepted.text()));
            case Screening.Blocked blocked ->
                Multi.createFrom()
                        .items(
                                blocked.verdict(),
                                new AgentEvent.TurnCompleted(AgentEvent.TurnCompleted.BLOCKED, turn.usage()));
            case Screening.Rejected rejected ->
                Multi.createFrom()
                        .items(
                                rejected.error(),
                                new AgentEvent.TurnCompleted(AgentEvent.TurnCompleted.ERROR, turn.usage()));
        });
    }

    private Multi<AgentEvent> converse(Turn turn, String text) {
        return memory.recall(turn).onItem().transformToMulti(recollection -> {
            turn.setHistory(recollection.history());
            turn.add(UserMessage.from(text));
            AgentEvent.MemoryRecall recalled = recollection.recalled();
            if (recalled == null) {
                return step(turn);
            }
            Multi<AgentEvent> screened = firewall.screen(turn, recalled)
                    .onItem()
                    .transformToMulti(memories -> {
                        turn.setRecalledContext(memories.admitted().context());
                        return Multi.createFrom().iterable(memories.verdicts());
                    });
            return Multi.createBy()
                    .concatenating()
                    .streams(
                            Multi.createFrom().item(recalled),
                            screened.onItem().castTo(AgentEvent.class),
                            Multi.createFrom().deferred(() -> step(turn)));
        });
    }

    private Multi<AgentEvent> step(Turn turn) {
        int step = turn.nextStep();
        ChatRequest request = request(turn);
        return model.stream(turn, request).onItem().transformToMultiAndConcatenate(event -> switch (event) {
            case ModelEvent.Started started ->
                Multi.createFrom()
                        .item(new AgentEvent.ModelRequest(
                                step,
                                started.provider(),
                                started.model(),
                                Transcripts.messages(request.messages()),
                                Transcripts.tools(request.toolSpecifications()),
                                Transcripts.parameters(started.parameters())));
            case ModelEvent.Token token -> {
                turn.appendPartial(token.text());
                yield Multi.createFrom().item(new AgentEvent.Token(token.text()));
            }
            case ModelEvent.Completed completed -> afterAnswer(turn, step, completed.response());
        });
    }

    private Multi<AgentEvent> afterAnswer(Turn turn, int step, ChatResponse response) {
        AiMessage answer = response.aiMessage();
        turn.add(answer);
        AgentEvent.Usage usage = usage(response.tokenUsage());
        turn.addUsage(usage);
        AgentEvent recorded =
                new AgentEvent.ModelResponse(step, Transcripts.message(answer), finishReason(response), usage);
        return Multi.createBy()
                .concatenating()
                .streams(Multi.createFrom().item(recorded), next(turn, step, answer, response));
    }

    private Multi<AgentEvent> next(Turn turn, int step, AiMessage answer, ChatResponse response) {
        if (!answer.hasToolExecutionRequests()) {
            return Multi.createFrom().item(new AgentEvent.TurnCompleted(finishReason(response), turn.usage()));
        }
        if (step >= config.agent().maxSteps()) {
            return Multi.createFrom()
                    .item(new AgentEvent.TurnCompleted(AgentEvent.TurnCompleted.STEP_LIMIT, turn.usage()));
        }
        Multi<AgentEvent> toolEvents = tools.execute(turn, answer.toolExecutionRequests())
                .onItem()
                .transformToMultiAndConcatenate(event -> event instanceof AgentEvent.ToolResult result
                        ? screened(turn, result)
                        : Multi.createFrom().item(event))
                .invoke(event -> {
                    if (event instanceof AgentEvent.ToolResult result) {
                        turn.add(ToolExecutionResultMessage.from(result.toolCallId(), result.tool(), result.result()));
                    }
                });
        return Multi.createBy()
                .concatenating()
                .streams(toolEvents, Multi.createFrom().deferred(() -> step(turn)));
    }

    /** A tool result through the firewall: the verdict first when there is one, then the result the model may see. */
    private Multi<AgentEvent> screened(Turn turn, AgentEvent.ToolResult result) {
        return firewall.screen(turn, result)
                .onItem()
                .transformToMulti(screened -> screened.verdict() == null
                        ? Multi.createFrom().item(screened.result())
                        : Multi.createFrom().items(screened.verdict(), screened.result()));
    }

    private ChatRequest request(Turn turn) {
        List<ChatMessage> messages = new ArrayList<>();
        String recalled = turn.recalledContext();
        // One system message: not every provider takes several. Recalled memories are marked as notes, not orders.
        messages.add(SystemMessage.from(
                recalled.isEmpty()
                        ? config.agent().systemPrompt()
                        : config.agent().systemPrompt() + "\n\n" + recalled));
        messages.addAll(turn.history());
        messages.addAll(turn.transcript());
        return ChatRequest.builder()
                .messages(messages)
                .toolSpecifications(tools.specifications(turn))
                .build();
    }

    static AgentEvent.Usage usage(TokenUsage usage) {
        if (usage == null) {
            return AgentEvent.Usage.NONE;
        }
        return new AgentEvent.Usage(usage.inputTokenCount(), usage.outputTokenCount(), usage.totalTokenCount());
    }

    public static String finishReason(ChatResponse response) {
        FinishReason reason = response.finishReason();
        if (response.aiMessage().hasToolExecutionRequests()) {
            return "tool_calls";
        }
        if (reason == null || reason == FinishReason.TOOL_EXECUTION) {
            return AgentEvent.TurnCompleted.STOP;
        }
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
