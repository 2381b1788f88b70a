package dev.warden.agent;

import java.util.List;

/**
 * Something a turn may leave open that must be closed with it (pending approvals). Called once when a turn ends — also
 * when it is cancelled or was cut off by a restart — before its conversation is recorded; the events returned are
 * journaled and sent in order.
 */
public interface TurnFinalizer {

    List<AgentEvent> closeTurn(String sessionId, String turnId);
}
