package dev.warden.agent;

/** Where a turn's events go (the session's journal and its connected clients). Must not block. */
public interface TurnEvents {

    void emit(Turn turn, AgentEvent event);
}
