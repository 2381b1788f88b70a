package dev.warden.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.warden.observability.TurnContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One user message and everything the agent does about it: carries the session, the user, the trace and the
 * conversation of this turn through the stages. The stages add to its transcript; the runner closes it.
 */
public final class Turn {

    private final String id;
    private final String sessionId;
    private final String userId;
    private final String messageId;
    private final String text;
    private final Context traceContext;
    private final Instant startedAt = Instant.now();

    private final List<ChatMessage> history = new ArrayList<>();
    private final List<ChatMessage> transcript = new ArrayList<>();
    private String recalledContext = "";
    private final StringBuilder partialAnswer = new StringBuilder();
    private AgentEvent.Usage usage = AgentEvent.Usage.NONE;
    private int steps;
    private volatile float[] inputEmbedding;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();

    public Turn(String id, String sessionId, String userId, String messageId, String text, Context traceContext) {
        this.id = id;
        this.sessionId = sessionId;
        this.userId = userId;
        this.messageId = messageId;
        this.text = text;
        this.traceContext = TurnContext.with(traceContext, sessionId, userId, id);
    }

    public String id() {
        return id;
    }

    public String sessionId() {
        return sessionId;
    }

    public String userId() {
        return userId;
    }

    public String messageId() {
        return messageId;
    }

    /** The user's text as it arrived, before the firewall. */
    public String text() {
        return text;
    }

    /** The OpenTelemetry context of the turn's {@code warden.turn} span: make it current around outgoing calls. */
    public Context traceContext() {
        return traceContext;
    }

    /**
     * The worker pool, running each task with this turn's context current: its trace and ids reach the logs
     * ({@code TurnLogFilter}) and any span started there.
     */
    public java.util.concurrent.Executor worker() {
        return traceContext.wrap((java.util.concurrent.Executor)
                io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }

    public String traceId() {
        return Span.fromContext(traceContext).getSpanContext().getTraceId();
    }

    /** The embedding of the user's sanitised message, computed once by the firewall and shared (memory recall). */
    public float[] inputEmbedding() {
        return inputEmbedding;
    }

    public void setInputEmbedding(float[] embedding) {
        this.inputEmbedding = embedding;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** The earlier conversation the memory stage recalled (read-only for the other stages). */
    public synchronized List<ChatMessage> history() {
        return List.copyOf(history);
    }

    synchronized void setHistory(List<ChatMessage> recalled) {
        history.clear();
        history.addAll(recalled);
    }

    /** The recalled long-term memories the model is given, as text (empty when there are none). */
    public synchronized String recalledContext() {
        return recalledContext;
    }

    synchronized void setRecalledContext(String context) {
        this.recalledContext = context == null ? "" : context;
    }

    /** The messages of this turn so far: the user's message, the model's answers, the tool results. */
    public synchronized List<ChatMessage> transcript() {
        return List.copyOf(transcript);
    }

    public synchronized void add(ChatMessage message) {
        if (message instanceof AiMessage) {
            partialAnswer.setLength(0);
        }
        transcript.add(message);
    }

    synchronized void appendPartial(String token) {
        partialAnswer.append(token);
    }

    synchronized void addUsage(AgentEvent.Usage stepUsage) {
        usage = usage.plus(stepUsage);
    }

    public synchronized AgentEvent.Usage usage() {
        return usage;
    }

    synchronized int nextStep() {
        return ++steps;
    }

    public synchronized int steps() {
        return steps;
    }

    /** Marks the turn finished; true only for the first caller, so a turn is closed exactly once. */
    boolean finish() {
        return finished.compareAndSet(false, true);
    }

    public boolean isFinished() {
        return finished.get();
    }

    /** Completes when the turn's last event has been handed to the journal. */
    public java.util.concurrent.CompletionStage<Void> whenClosed() {
        return closed;
    }

    void markClosed() {
        closed.complete(null);
    }

    /**
     * The transcript a turn's journaled events describe, closed as {@link #closedTranscript} closes a live one: how a
     * turn cut off by a crash is remembered, and how a replay rebuilds one.
     */
    public static List<ChatMessage> transcriptOf(List<AgentEvent> events, String why) {
        Turn turn = new Turn("rebuilt", "rebuilt", "rebuilt", "rebuilt", "", Context.root());
        for (AgentEvent event : events) {
            switch (event) {
                case AgentEvent.UserInput input -> turn.add(UserMessage.from(input.text()));
                case AgentEvent.ModelResponse response -> turn.add(Transcripts.message(response.message()));
                case AgentEvent.ToolInvocation invocation ->
                    turn.add(ToolExecutionResultMessage.from(
                            invocation.toolCallId(), invocation.tool(), invocation.result()));
                case AgentEvent.Token token -> turn.appendPartial(token.text());
                default -> {}
            }
        }
        return turn.closedTranscript(why);
    }

    /** Answers the tool calls that got no result, after the results that did come. */
    private static void addNotRun(List<ChatMessage> messages, List<ToolExecutionRequest> unanswered, String why) {
        for (ToolExecutionRequest request : unanswered) {
            messages.add(ToolExecutionResultMessage.from(
                    request, "Not run: " + why + " before this tool call was executed."));
        }
        unanswered.clear();
    }

    /**
     * The transcript as it should be remembered when the turn ends now: an answer cut off mid-stream is kept as far as
     * the user saw it, and every tool call the model made gets a result (providers reject a conversation with an
     * unanswered tool call), saying honestly that it was not run.
     */
    public synchronized List<ChatMessage> closedTranscript(String why) {
        List<ChatMessage> closed = new ArrayList<>(transcript);
        if (!partialAnswer.isEmpty()) {
            closed.add(AiMessage.from(partialAnswer.toString()));
        }
        Set<String> answered = new HashSet<>();
        for (ChatMessage message : closed) {
            if (message instanceof ToolExecutionResultMessage result) {
                answered.add(result.id());
            }
        }
        List<ChatMessage> repaired = new ArrayList<>();
        List<ToolExecutionRequest> unanswered = new ArrayList<>();
        for (ChatMessage message : closed) {
            if (!(message instanceof ToolExecutionResultMessage)) {
                addNotRun(repaired, unanswered, why);
            }
            repaired.add(message);
            if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                ai.toolExecutionRequests().stream()
                        .filter(request -> !answered.contains(request.id()))
                        .forEach(unanswered::add);
            }
        }
        addNotRun(repaired, unanswered, why);
        return repaired;
    }
}
