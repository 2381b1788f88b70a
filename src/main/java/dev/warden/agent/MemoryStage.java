package dev.warden.agent;

import dev.langchain4j.data.message.ChatMessage;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Second stage: what the model should know of the past — the session's recent conversation and what long-term memory
 * recalls of the user's earlier sessions — and, once a turn has completed, remembering it.
 */
public interface MemoryStage {

    /** What the turn starts from. Never fails because long-term memory is unavailable (see {@link Recollection}). */
    Uni<Recollection> recall(Turn turn);

    /**
     * Remembers a turn that ended (only turns that completed with an answer are remembered). Blocking: called on a
     * worker thread before {@code turn_completed} is sent, so what it commits survives a crash right after. Never
     * throws.
     */
    default void remember(Turn turn, AgentEvent.TurnCompleted completed) {}

    /**
     * {@code history}: the session's earlier messages to send before this turn's, oldest first; {@code recalled}: what
     * long-term memory found for the turn (null when long-term memory is off).
     */
    record Recollection(List<ChatMessage> history, AgentEvent.MemoryRecall recalled) {

        public Recollection {
            history = List.copyOf(history);
        }
    }
}
