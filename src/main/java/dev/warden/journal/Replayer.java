package dev.warden.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.AgentLoop;
import dev.warden.agent.FirewallStage;
import dev.warden.agent.MemoryStage;
import dev.warden.agent.ModelStage;
import dev.warden.agent.ModelStage.ModelEvent;
import dev.warden.agent.Transcripts;
import dev.warden.agent.Turn;
import dev.warden.agent.TurnRunner;
import dev.warden.config.WardenConfig;
import dev.warden.memory.ConversationMemory;
import dev.warden.tools.BuiltinToolStage;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Replays a recorded session through the current pipeline: the real firewall, memory window and tool stage, with the
 * model, the tools and long-term memory's recall answered from the recording. Every event the pipeline produces is compared, in order, with the
 * recorded one; the first difference is reported. Timestamps, trace ids and durations are not compared.
 */
@ApplicationScoped
public class Replayer {

    static final Duration TURN_TIMEOUT = Duration.ofSeconds(60);
    static final Set<String> CLOSING = Set.of("conversation", "turn_completed", "turn_interrupted", "error");

    private final FirewallStage firewall;
    private final BuiltinToolStage tools;
    private final WardenConfig config;
    private final ObjectMapper mapper;

    Replayer(FirewallStage firewall, BuiltinToolStage tools, WardenConfig config, ObjectMapper mapper) {
        this.firewall = firewall;
        this.tools = tools;
        this.config = config;
        this.mapper = mapper;
    }

    /** Where a replay first differs from the recording. */
    @Schema(name = "ReplayDivergence")
    public record Divergence(
            long seq,
            int sub,
            String turnId,
            @Schema(description = "The recorded event.") JsonNode expected,

            @Schema(description = "What the pipeline produced instead (null: nothing).")
            JsonNode actual,

            String reason) {}

    /** {@code verdict}: {@code identical} or {@code divergent} (then {@code divergence} says where). */
    @Schema(name = "ReplayResult")
    public record Result(
            @Schema(enumeration = {"identical", "divergent"})
            String verdict,

            int turns,
            int events,

            @Schema(description = "Where it first differs (null when identical).", nullable = true)
            Divergence divergence) {
        public boolean identical() {
            return divergence == null;
        }
    }

    public Result verify(List<JournalEntry> entries) {
        java.nio.file.Path scratch;
        try {
            scratch = java.nio.file.Files.createTempDirectory("warden-replay-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            return verify(entries, scratch);
        } finally {
            scratch.toFile().delete();
        }
    }

    private Result verify(List<JournalEntry> entries, java.nio.file.Path scratch) {
        Map<String, List<JournalEntry>> turns = new LinkedHashMap<>();
        for (JournalEntry entry : entries) {
            if (entry.turnId() != null) {
                turns.computeIfAbsent(entry.turnId(), id -> new ArrayList<>()).add(entry);
            }
        }
        List<List<ChatMessage>> conversations = new ArrayList<>();
        List<String> grants = new ArrayList<>();
        int compared = 0;
        for (List<JournalEntry> recorded : turns.values()) {
            TurnReplay replay = replay(recorded, conversations, grants, scratch);
            compared += replay.compared;
            if (replay.divergence != null) {
                return new Result("divergent", turns.size(), compared, replay.divergence);
            }
            recorded.stream()
                    .filter(entry -> entry.type().equals("conversation"))
                    .map(JournalCodec::event)
                    .flatMap(java.util.Optional::stream)
                    .map(event -> Transcripts.messages(((AgentEvent.Conversation) event).messages()))
                    .forEach(conversations::add);
        }
        return new Result("identical", turns.size(), compared, null);
    }

    private record TurnReplay(int compared, Divergence divergence) {}

    private TurnReplay replay(
            List<JournalEntry> recorded,
            List<List<ChatMessage>> earlier,
            List<String> grants,
            java.nio.file.Path scratch) {
        List<JournalEntry> body = recorded.stream()
                .filter(entry -> !entry.type().equals("turn_started"))
                .toList();
        String turnId = recorded.getFirst().turnId();
        AgentEvent.MessageReceived received = body.stream()
                .map(JournalCodec::event)
                .flatMap(java.util.Optional::stream)
                .filter(AgentEvent.MessageReceived.class::isInstance)
                .map(AgentEvent.MessageReceived.class::cast)
                .findFirst()
                .orElse(null);
        if (received == null) {
            JournalEntry first = recorded.getFirst();
            return new TurnReplay(
                    0,
                    new Divergence(
                            first.seq(),
                            first.sub(),
                            turnId,
                            null,
                            null,
                            "the recording of this turn has no message_received fact: it cannot be replayed"));
        }
        // Long-term memory has moved on since: the turn gets the memories it was given then.
        AgentEvent.MemoryRecall recalled = body.stream()
                .map(JournalCodec::event)
                .flatMap(java.util.Optional::stream)
                .filter(AgentEvent.MemoryRecall.class::isInstance)
                .map(AgentEvent.MemoryRecall.class::cast)
                .findFirst()
                .orElse(null);
        Recording recording = new Recording(body, grants);
        Turn turn = new Turn(turnId, "replay", "replay", received.messageId(), received.text(), Context.root());
        AgentLoop loop = new AgentLoop(
                firewall,
                replayTurn -> Uni.createFrom().item(new MemoryStage.Recollection(window(earlier), recalled)),
                recording,
                tools.answeredBy(recording, recording::tool, scratch),
                config);
        List<AgentEvent> produced = new ArrayList<>();
        List<AgentEvent> actual = new ArrayList<>();
        boolean cut = false;
        try {
            AgentEvent last = loop.run(turn)
                    .onItem()
                    .invoke(produced::add)
                    .collect()
                    .last()
                    .await()
                    .atMost(TURN_TIMEOUT);
            actual.addAll(produced.subList(0, produced.size() - 1));
            actual.addAll(TurnRunner.closing(turn, (AgentEvent.TurnCompleted) last, null));
        } catch (RecordingEnds ends) {
            actual.addAll(produced);
            cut = true;
        } catch (RuntimeException failure) {
            actual.addAll(produced);
            actual.addAll(TurnRunner.closing(turn, null, failure));
        }
        return compare(body, actual, cut, turnId);
    }

    private List<ChatMessage> window(List<List<ChatMessage>> earlier) {
        List<ChatMessage> all = new ArrayList<>();
        earlier.forEach(all::addAll);
        int size = config.memory().windowMessages();
        return ConversationMemory.fromUserMessage(all.subList(Math.max(0, all.size() - size), all.size()));
    }

    private TurnReplay compare(List<JournalEntry> recorded, List<AgentEvent> actual, boolean cut, String turnId) {
        List<JournalEntry> expected = cut
                ? recorded.stream()
                        .filter(entry -> !CLOSING.contains(entry.type()))
                        .toList()
                : recorded;
        int count = Math.min(expected.size(), actual.size());
        for (int i = 0; i < count; i++) {
            JournalEntry want = expected.get(i);
            ObjectNode wantJson = normalise(want.type(), Envelopes.payload(mapper, want));
            ObjectNode gotJson = normalise(actual.get(i).type(), mapper.valueToTree(actual.get(i)));
            if (!wantJson.equals(gotJson)) {
                return new TurnReplay(
                        i,
                        new Divergence(
                                want.seq(),
                                want.sub(),
                                turnId,
                                wantJson,
                                gotJson,
                                "the pipeline produced a different "
                                        + actual.get(i).type() + " than recorded " + want.type()));
            }
        }
        if (expected.size() != actual.size()) {
            JournalEntry at = expected.size() > count ? expected.get(count) : recorded.getLast();
            JsonNode wantJson = expected.size() > count ? normalise(at.type(), Envelopes.payload(mapper, at)) : null;
            JsonNode gotJson = actual.size() > count
                    ? normalise(actual.get(count).type(), mapper.valueToTree(actual.get(count)))
                    : null;
            return new TurnReplay(
                    count,
                    new Divergence(
                            at.seq(),
                            at.sub(),
                            turnId,
                            wantJson,
                            gotJson,
                            expected.size() > count
                                    ? "the pipeline stopped before this recorded event"
                                    : "the pipeline produced more events than recorded"));
        }
        return new TurnReplay(count, null);
    }

    /** The event as compared: its type and fields, without what differs from run to run. */
    private ObjectNode normalise(String type, ObjectNode payload) {
        ObjectNode copy = payload.deepCopy();
        // Not reproducible: tool run times, approval deadlines, and diff previews (they show the files as they were).
        copy.remove("durationMillis");
        copy.remove("expiresAt");
        copy.remove("preview");
        copy.put("type", type.toLowerCase(Locale.ROOT));
        return copy;
    }

    /** The pipeline reached the point where the recorded turn was cut off (cancelled, interrupted, failed). */
    private static final class RecordingEnds extends RuntimeException {
        RecordingEnds() {
            super("the recording ends here", null, false, false);
        }
    }

    /**
     * The recorded model answers, tool results and approval decisions of one turn, handed out in order. Grants made
     * by "approve for this session" carry over to the later turns of the replay, as they did live.
     */
    private final class Recording implements ModelStage, BuiltinToolStage.Approvals {
        final List<AgentEvent> events = new ArrayList<>();
        final List<String> grants;
        final Map<String, String> grantKeys = new java.util.HashMap<>();

        Recording(List<JournalEntry> body, List<String> grants) {
            body.forEach(entry -> JournalCodec.event(entry).ifPresent(events::add));
            this.grants = grants;
        }

        @Override
        public List<String> grants(Turn turn) {
            return List.copyOf(grants);
        }

        @Override
        public void register(dev.warden.tools.approval.Approval approval) {
            if (approval.grantKey() != null) {
                grantKeys.put(approval.id(), approval.grantKey());
            }
        }

        @Override
        public Uni<dev.warden.tools.approval.ApprovalGate.Resolution> await(
                dev.warden.tools.approval.Approval approval) {
            for (AgentEvent event : events) {
                if (event instanceof AgentEvent.ApprovalResolved resolved
                        && resolved.toolCallId().equals(approval.toolCallId())) {
                    boolean approved = resolved.decision().equals("approve");
                    if (approved && "session".equals(resolved.scope()) && grantKeys.containsKey(approval.id())) {
                        grants.add(grantKeys.get(approval.id()));
                    }
                    return Uni.createFrom()
                            .item(new dev.warden.tools.approval.ApprovalGate.Resolution(
                                    approved, resolved.by(), resolved.scope(), approved ? approval.digest() : null));
                }
            }
            return Uni.createFrom().failure(new RecordingEnds());
        }

        @Override
        public Multi<ModelEvent> stream(Turn turn, dev.langchain4j.model.chat.request.ChatRequest request) {
            int step = turn.steps();
            AgentEvent.ModelRequest asked = find(AgentEvent.ModelRequest.class, step);
            if (asked == null) {
                return Multi.createFrom()
                        .failure(new IllegalStateException("the recording has no model request for step " + step));
            }
            List<ModelEvent> answer = new ArrayList<>();
            answer.add(new ModelEvent.Started(
                    asked.provider(), asked.model(), dev.warden.agent.Transcripts.parameters(asked.parameters())));
            boolean inStep = false;
            for (AgentEvent event : events) {
                if (event instanceof AgentEvent.ModelRequest recordedRequest) {
                    inStep = recordedRequest.step() == step;
                } else if (inStep && event instanceof AgentEvent.Token token) {
                    answer.add(new ModelEvent.Token(token.text()));
                } else if (inStep && event instanceof AgentEvent.ModelResponse response) {
                    answer.add(new ModelEvent.Completed(chatResponse(response)));
                    return Multi.createFrom().iterable(answer);
                }
            }
            return Multi.createFrom().iterable(answer).onCompletion().failWith(() -> new RecordingEnds());
        }

        BuiltinToolStage.Outcome tool(Turn turn, ToolExecutionRequest request) {
            for (AgentEvent event : events) {
                if (event instanceof AgentEvent.ToolInvocation invocation
                        && invocation.toolCallId().equals(request.id())) {
                    return new BuiltinToolStage.Outcome(invocation.result(), invocation.error());
                }
            }
            throw new RecordingEnds();
        }

        private AgentEvent.ModelRequest find(Class<AgentEvent.ModelRequest> type, int step) {
            return events.stream()
                    .filter(type::isInstance)
                    .map(type::cast)
                    .filter(request -> request.step() == step)
                    .findFirst()
                    .orElse(null);
        }

        private ChatResponse chatResponse(AgentEvent.ModelResponse response) {
            AiMessage message = (AiMessage) Transcripts.message(response.message());
            AgentEvent.Usage usage = response.usage();
            ChatResponse.Builder builder = ChatResponse.builder().aiMessage(message);
            if (usage != null && (usage.inputTokens() != null || usage.outputTokens() != null)) {
                builder.tokenUsage(new TokenUsage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens()));
            }
            builder.finishReason(finishReason(response.finishReason()));
            return builder.build();
        }

        private FinishReason finishReason(String recorded) {
            return switch (recorded) {
                case "length" -> FinishReason.LENGTH;
                case "content_filter" -> FinishReason.CONTENT_FILTER;
                case "tool_calls" -> FinishReason.TOOL_EXECUTION;
                case "other" -> FinishReason.OTHER;
                default -> FinishReason.STOP;
            };
        }
    }
}
