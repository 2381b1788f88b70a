package dev.warden.agent;

import dev.warden.agent.ModelStage.ModelNotConfiguredException;
import dev.warden.observability.WardenMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Runs turns: at most one per session, cancellable, each closed exactly once. Closing a turn journals its
 * conversation and remembers it in long-term memory first, and only then reports {@code turn_completed}, so the next
 * turn always sees this one.
 */
@ApplicationScoped
public class TurnRunner {

    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("warden.turn.outcome");

    private final AgentLoop loop;
    private final TurnEvents events;
    private final Instance<TurnFinalizer> finalizers;
    private final MemoryStage memory;
    private final WardenMetrics metrics;
    private final ConcurrentMap<String, Running> running = new ConcurrentHashMap<>();
    private volatile boolean draining;

    TurnRunner(
            AgentLoop loop,
            TurnEvents events,
            Instance<TurnFinalizer> finalizers,
            MemoryStage memory,
            WardenMetrics metrics) {
        this.memory = memory;
        this.metrics = metrics;
        this.loop = loop;
        this.events = events;
        this.finalizers = finalizers;
    }

    /** Starts the turn, unless its session already has one running or the service is shutting down. */
    public Start start(Turn turn) {
        if (draining) {
            return Start.SHUTTING_DOWN;
        }
        Running slot = new Running(turn);
        if (running.putIfAbsent(turn.sessionId(), slot) != null) {
            return Start.BUSY;
        }
        try (Scope ignored = turn.traceContext().makeCurrent()) {
            Log.infof("Turn started (message %s)", turn.messageId());
            events.emit(turn, new AgentEvent.TurnStarted(turn.messageId()));
            metrics.turnStarted();
            slot.subscription = loop.run(turn)
                    .subscribe()
                    .with(
                            turn.traceContext().wrapConsumer(event -> {
                                if (event instanceof AgentEvent.TurnCompleted completed) {
                                    close(turn, completed, null);
                                } else if (!turn.isFinished()) {
                                    events.emit(turn, event);
                                }
                            }),
                            turn.traceContext().wrapConsumer(failure -> close(turn, null, failure)));
        }
        return Start.STARTED;
    }

    /** Whether a turn started, and if not, why. */
    public enum Start {
        STARTED,
        BUSY,
        SHUTTING_DOWN
    }

    /** From now on no new turn starts (the service is shutting down); running turns go on. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** Cancels the running turn {@code turnId} of the session; false when no such turn is running. */
    public boolean cancel(String sessionId, String turnId) {
        Running slot = running.get(sessionId);
        if (slot == null || !slot.turn.id().equals(turnId) || slot.turn.isFinished()) {
            return false;
        }
        Cancellable subscription = slot.subscription;
        if (subscription != null) {
            subscription.cancel();
        }
        close(slot.turn, new AgentEvent.TurnCompleted(AgentEvent.TurnCompleted.CANCELLED, slot.turn.usage()), null);
        return true;
    }

    /** The turns running in this process. */
    public List<Turn> runningTurns() {
        return running.values().stream().map(slot -> slot.turn).toList();
    }

    /** The ids of the turns running in this process. */
    public List<String> runningTurnIds() {
        return running.values().stream().map(slot -> slot.turn.id()).toList();
    }

    public Optional<Turn> active(String sessionId) {
        return Optional.ofNullable(running.get(sessionId)).map(slot -> slot.turn);
    }

    private void close(Turn turn, AgentEvent.TurnCompleted completed, Throwable failure) {
        if (!turn.finish()) {
            return;
        }
        List<AgentEvent> closing = closing(turn, completed, failure);
        AgentEvent.TurnCompleted last = (AgentEvent.TurnCompleted) closing.getLast();
        // Finalizers touch the database: never on the thread that reported the end (it may be an event loop).
        Uni.createFrom()
                .item(() -> {
                    List<AgentEvent> closed = finalizeTurn(turn.sessionId(), turn.id());
                    // Committed before turn_completed is sent: a memory of a completed turn survives a crash after it.
                    memory.remember(turn, last);
                    return closed;
                })
                .runSubscriptionOn(turn.worker())
                .invoke(closed -> closed.forEach(event -> events.emit(turn, event)))
                .invoke(() -> closing.subList(0, closing.size() - 1).forEach(event -> events.emit(turn, event)))
                // The conversation is committed before the session takes another turn, so the next one sees it.
                .chain(() -> events.flush(turn))
                .onFailure()
                .recoverWithUni(e -> {
                    Log.errorf(e, "Could not close turn %s of session %s cleanly", turn.id(), turn.sessionId());
                    return Uni.createFrom().voidItem();
                })
                .subscribe()
                .with(turn.traceContext().wrapConsumer(ignored -> {
                    running.remove(turn.sessionId());
                    events.emit(turn, last);
                    turn.markClosed();
                    metrics.turnEnded(
                            last.finishReason(), java.time.Duration.between(turn.startedAt(), java.time.Instant.now()));
                    Span span = Span.fromContext(turn.traceContext());
                    span.setAttribute(OUTCOME, last.finishReason());
                    if (failure != null) {
                        span.recordException(failure);
                        span.setStatus(StatusCode.ERROR);
                    }
                    span.end();
                    AgentEvent.Usage usage = last.usage();
                    Log.infof(
                            "Turn ended: %s after %d ms, %d model call(s), tokens in %s out %s",
                            last.finishReason(),
                            java.time.Duration.between(turn.startedAt(), java.time.Instant.now())
                                    .toMillis(),
                            turn.steps(),
                            usage.inputTokens(),
                            usage.outputTokens());
                }));
    }

    /** What the finalizers close for this turn (e.g. its pending approvals), as events. Blocking. */
    public List<AgentEvent> finalizeTurn(String sessionId, String turnId) {
        List<AgentEvent> closed = new java.util.ArrayList<>();
        for (TurnFinalizer finalizer : finalizers) {
            try {
                closed.addAll(finalizer.closeTurn(sessionId, turnId));
            } catch (RuntimeException e) {
                Log.errorf(e, "A finalizer failed for turn %s", turnId);
            }
        }
        return closed;
    }

    /**
     * The events that close a turn, in order: the error if it failed, the conversation to remember, and last
     * {@code turn_completed}. Replay closes its turns with the same events.
     */
    public static List<AgentEvent> closing(Turn turn, AgentEvent.TurnCompleted completed, Throwable failure) {
        AgentEvent.TurnCompleted last = completed != null
                ? completed
                : new AgentEvent.TurnCompleted(AgentEvent.TurnCompleted.ERROR, turn.usage());
        List<AgentEvent> closing = new java.util.ArrayList<>();
        if (failure != null) {
            closing.add(errorFor(failure));
        }
        closing.add(new AgentEvent.Conversation(Transcripts.messages(turn.closedTranscript(why(last)))));
        closing.add(last);
        return closing;
    }

    static String why(AgentEvent.TurnCompleted last) {
        return switch (last.finishReason()) {
            case AgentEvent.TurnCompleted.CANCELLED -> "the turn was cancelled";
            case AgentEvent.TurnCompleted.STEP_LIMIT -> "the turn reached its step limit";
            default -> "the turn ended";
        };
    }

    public static AgentEvent.Error errorFor(Throwable failure) {
        if (failure instanceof ModelNotConfiguredException notConfigured) {
            return AgentEvent.Error.of(dev.warden.agent.ErrorCodes.MODEL_NOT_CONFIGURED, notConfigured.getMessage());
        }
        if (failure instanceof ModelFailure modelFailure) {
            return AgentEvent.Error.of(ErrorCodes.MODEL_ERROR, modelFailure.getMessage());
        }
        Log.error("Turn failed unexpectedly", failure);
        return AgentEvent.Error.of(ErrorCodes.INTERNAL_ERROR, "The turn failed unexpectedly; the session can go on.");
    }

    private static final class Running {
        final Turn turn;
        volatile Cancellable subscription;

        Running(Turn turn) {
            this.turn = turn;
        }
    }
}
