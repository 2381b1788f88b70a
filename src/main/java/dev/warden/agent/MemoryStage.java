package dev.warden.agent;

import dev.langchain4j.data.message.ChatMessage;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** Second stage: what the model should know of the past, and what of this turn to keep. */
public interface MemoryStage {

    /** The earlier messages to send before this turn's, oldest first. */
    Uni<List<ChatMessage>> recall(Turn turn);

    /** Keeps this turn's messages (called once, when the turn ends for any reason). */
    Uni<Void> remember(Turn turn, List<ChatMessage> transcript);
}
