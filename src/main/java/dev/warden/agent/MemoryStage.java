package dev.warden.agent;

import dev.langchain4j.data.message.ChatMessage;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Second stage: what the model should know of the past. (What a turn said is kept by the journal: the runner records
 * the turn's conversation when it ends.)
 */
public interface MemoryStage {

    /** The earlier messages to send before this turn's, oldest first. */
    Uni<List<ChatMessage>> recall(Turn turn);
}
