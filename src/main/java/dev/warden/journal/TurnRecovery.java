package dev.warden.journal;

import dev.warden.agent.AgentEvent;
import dev.warden.agent.Transcripts;
import dev.warden.agent.Turn;
import dev.warden.agent.TurnRunner;
import dev.warden.chat.SessionHub;
import dev.warden.db.Migrations;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes turns that can no longer finish: at start-up the ones this node left open when it was killed, and every few
 * seconds the ones whose node stopped renewing its lease (a replica that died). Each gets its conversation as far as it
 * went, then {@code turn_interrupted}; its session is usable again. Also renews the leases of the turns running here.
 */
@ApplicationScoped
public class TurnRecovery {

    static final String RESTARTED = "the service restarted";
    static final long SWEEP_SECONDS = 10;

    private final EventJournal journal;
    private final SessionHub hub;
    private final TurnRunner turns;
    private ScheduledExecutorService scheduler;

    TurnRecovery(EventJournal journal, SessionHub hub, TurnRunner turns) {
        this.journal = journal;
        this.hub = hub;
        this.turns = turns;
    }

    void onStart(@Observes @Priority(Migrations.PRIORITY + 20) StartupEvent event) {
        int closed = closeAbandoned();
        if (closed > 0) {
            Log.infof("Closed %d turn(s) cut off by a restart or a lost node", closed);
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("warden-turn-leases").factory());
        scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void sweep() {
        try {
            journal.renewLeases(turns.runningTurnIds());
            closeAbandoned();
        } catch (RuntimeException e) {
            Log.warnf(e, "Turn lease sweep failed; will retry");
        }
    }

    /** Closes every abandoned turn that is not running in this process; returns how many. */
    int closeAbandoned() {
        int closed = 0;
        for (EventJournal.OpenTurn open : journal.abandonedTurns()) {
            Optional<Turn> running = turns.active(open.sessionId());
            if (running.isPresent() && running.get().id().equals(open.turnId())) {
                continue;
            }
            close(open);
            closed++;
        }
        return closed;
    }

    private void close(EventJournal.OpenTurn open) {
        List<JournalEntry> entries = journal.turn(open.sessionId(), open.turnId());
        List<AgentEvent> events = new ArrayList<>();
        String traceId = null;
        for (JournalEntry entry : entries) {
            traceId = traceId == null ? entry.traceId() : traceId;
            JournalCodec.event(entry).ifPresent(events::add);
        }
        String why =
                open.node().equals(journal.nodeId()) ? RESTARTED : "the node running it (" + open.node() + ") stopped";
        hub.publish(
                open.sessionId(),
                open.turnId(),
                traceId,
                new AgentEvent.Conversation(Transcripts.messages(Turn.transcriptOf(events, why))));
        hub.publish(open.sessionId(), open.turnId(), traceId, new AgentEvent.TurnInterrupted(why));
        hub.flush(open.sessionId()).await().indefinitely();
        Log.infof("Turn %s of session %s interrupted: %s", open.turnId(), open.sessionId(), why);
    }
}
