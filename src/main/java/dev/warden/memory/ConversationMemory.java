package dev.warden.memory;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.MemoryStage;
import dev.warden.agent.Turn;
import dev.warden.config.WardenConfig;
import dev.warden.journal.EventJournal;
import dev.warden.observability.WardenMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory stage: the session's recent conversation, read from the journal (each turn's {@code conversation} fact),
 * so a session continues where it stopped across re-attaches and restarts and nothing is kept twice; and the user's
 * long-term memories most relevant to the message ({@link LongTermMemory}), recalled at the same time with the
 * embedding the firewall computed. The window always starts at a user message, so a tool call is never cut from its
 * result. A completed turn is remembered before its {@code turn_completed} is sent.
 */
@ApplicationScoped
public class ConversationMemory implements MemoryStage {

    static final AttributeKey<String> STORE = AttributeKey.stringKey("warden.memory.store");
    static final AttributeKey<Long> K = AttributeKey.longKey("warden.memory.k");
    static final AttributeKey<Long> HITS = AttributeKey.longKey("warden.memory.hits");
    static final AttributeKey<Double> BEST_SCORE = AttributeKey.doubleKey("warden.memory.best_score");
    static final AttributeKey<String> ERROR = AttributeKey.stringKey("warden.memory.error");
    static final AttributeKey<Long> REMEMBERED = AttributeKey.longKey("warden.memory.remembered");

    private final EventJournal journal;
    private final WardenConfig config;
    private final LongTermMemory longTerm;
    private final MemoryConfig memoryConfig;
    private final WardenMetrics metrics;
    private final Tracer tracer;

    ConversationMemory(
            EventJournal journal,
            WardenConfig config,
            LongTermMemory longTerm,
            MemoryConfig memoryConfig,
            WardenMetrics metrics,
            Tracer tracer) {
        this.journal = journal;
        this.config = config;
        this.longTerm = longTerm;
        this.memoryConfig = memoryConfig;
        this.metrics = metrics;
        this.tracer = tracer;
    }

    @Override
    public Uni<Recollection> recall(Turn turn) {
        Uni<List<ChatMessage>> window = Uni.createFrom()
                .item(() -> window(turn.sessionId(), config.memory().windowMessages()))
                .runSubscriptionOn(turn.worker());
        if (!memoryConfig.enabled()) {
            return window.map(history -> new Recollection(history, null));
        }
        return Uni.combine()
                .all()
                .unis(window, longTermRecall(turn))
                .with((history, recalled) -> new Recollection(history, recalled));
    }

    private Uni<AgentEvent.MemoryRecall> longTermRecall(Turn turn) {
        Span span = tracer.spanBuilder("warden.memory.recall")
                .setParent(turn.traceContext())
                .setAttribute(STORE, longTerm.storeKind())
                .setAttribute(K, (long) memoryConfig.recall().limit())
                .startSpan();
        long started = System.nanoTime();
        return longTerm.recall(
                        turn.userId(),
                        turn.text(),
                        turn.inputEmbedding(),
                        turn.traceContext().with(span))
                .map(recall -> {
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                    span.setAttribute(HITS, (long) recall.items().size());
                    if (!recall.items().isEmpty()) {
                        span.setAttribute(BEST_SCORE, recall.items().getFirst().score());
                    }
                    if (recall.failed()) {
                        span.setAttribute(ERROR, recall.error());
                    }
                    span.end();
                    metrics.memoryRecall(longTerm.storeKind(), recall.failed() ? recall.error() : "ok", elapsed);
                    return recall.toEvent();
                });
    }

    @Override
    public void remember(Turn turn, AgentEvent.TurnCompleted completed) {
        if (!memoryConfig.enabled() || !AgentEvent.TurnCompleted.STOP.equals(completed.finishReason())) {
            return;
        }
        List<ChatMessage> transcript = turn.transcript();
        String said = transcript.stream()
                .filter(UserMessage.class::isInstance)
                .map(message -> ((UserMessage) message).singleText())
                .findFirst()
                .orElse("");
        String answer = "";
        for (ChatMessage message : transcript) {
            if (message instanceof AiMessage ai && !ai.hasToolExecutionRequests() && ai.text() != null) {
                answer = ai.text();
            }
        }
        Span span = tracer.spanBuilder("warden.memory.store")
                .setParent(turn.traceContext())
                .setAttribute(STORE, longTerm.storeKind())
                .startSpan();
        try {
            List<String> ids = longTerm.rememberNow(
                    new Exchange(turn.userId(), turn.sessionId(), turn.id(), turn.startedAt(), said, answer));
            span.setAttribute(REMEMBERED, (long) ids.size());
        } catch (RuntimeException e) {
            // The turn has completed; losing its memory is bad but must not fail it. The exchange is in the journal.
            Log.errorf(e, "Could not remember turn %s of session %s", turn.id(), turn.sessionId());
            span.recordException(e);
        } finally {
            span.end();
        }
    }

    List<ChatMessage> window(String sessionId, int size) {
        List<List<ChatMessage>> newestTurnsFirst = journal.recentConversations(sessionId, size);
        List<ChatMessage> window = new ArrayList<>();
        for (int i = newestTurnsFirst.size() - 1; i >= 0; i--) {
            window.addAll(newestTurnsFirst.get(i));
        }
        return fromUserMessage(window.subList(Math.max(0, window.size() - size), window.size()));
    }

    /** Drops messages before the first user message: a window must not start with an orphaned tool result. */
    public static List<ChatMessage> fromUserMessage(List<ChatMessage> messages) {
        int first = 0;
        while (first < messages.size() && !(messages.get(first) instanceof UserMessage)) {
            first++;
        }
        return List.copyOf(messages.subList(first, messages.size()));
    }
}
