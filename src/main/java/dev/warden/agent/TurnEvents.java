package dev.warden.agent;

import io.smallrye.mutiny.Uni;

/** Where a turn's events go: the session's journal, then its connected clients. Must not block. */
public interface TurnEvents {

    /** Queues the event; it is journaled, then (unless a fact) sent, after everything queued before it. */
    void emit(Turn turn, AgentEvent event);

    /** Completes once everything emitted so far for the turn's session is committed to the journal. */
    Uni<Void> flush(Turn turn);
}
