package dev.warden.agent;

import io.smallrye.mutiny.Uni;

/**
 * The firewall: screens every untrusted text before the model sees it — the user's message (first stage of a turn),
 * the memories recalled for it, and every tool result (before it goes back to the model).
 */
public interface FirewallStage {

    Uni<Screening> screen(Turn turn);

    /**
     * The tool result as the model may see it: unchanged, or replaced by a short notice when the firewall blocks it;
     * with the verdict when the firewall flagged or blocked it (the client is told).
     */
    Uni<ScreenedResult> screen(Turn turn, AgentEvent.ToolResult result);

    /**
     * The recalled memories the model may see (those the firewall does not block), and a verdict for each memory it
     * flagged or blocked (the client is told).
     */
    Uni<ScreenedMemories> screen(Turn turn, AgentEvent.MemoryRecall recalled);

    /** The firewall's decision on a user message. */
    sealed interface Screening {

        /** The message may go on, as {@code text} (sanitised); {@code verdict} says what the firewall saw. */
        record Accepted(String text, AgentEvent.FirewallVerdict verdict) implements Screening {}

        /** The firewall blocked the message: it never reaches the model and the turn ends {@code blocked}. */
        record Blocked(AgentEvent.FirewallVerdict verdict) implements Screening {}

        /** The message is unusable (too large, empty); the client gets {@code error} and the turn ends. */
        record Rejected(AgentEvent.Error error) implements Screening {}
    }

    /** A screened tool result, and the verdict to show when there is something to show. */
    record ScreenedResult(AgentEvent.ToolResult result, AgentEvent.FirewallVerdict verdict) {}

    /** Screened memories: those the model may see, and the verdicts to show (flagged or blocked memories). */
    record ScreenedMemories(AgentEvent.MemoryRecall admitted, java.util.List<AgentEvent.FirewallVerdict> verdicts) {}
}
