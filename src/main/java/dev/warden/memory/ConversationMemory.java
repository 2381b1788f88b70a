package dev.warden.memory;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.UserMessage;
import dev.warden.agent.MemoryStage;
import dev.warden.agent.Turn;
import dev.warden.config.WardenConfig;
import dev.warden.db.Db;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The session's recent conversation, kept in the database so a session continues where it stopped, across
 * re-attaches and restarts. The window always starts at a user message, so a tool call is never cut from its result.
 */
@ApplicationScoped
public class ConversationMemory implements MemoryStage {

    private final Db db;
    private final WardenConfig config;

    ConversationMemory(Db db, WardenConfig config) {
        this.db = db;
        this.config = config;
    }

    @Override
    public Uni<List<ChatMessage>> recall(Turn turn) {
        return db.async(() -> window(turn.sessionId(), config.memory().windowMessages()));
    }

    @Override
    public Uni<Void> remember(Turn turn, List<ChatMessage> transcript) {
        return db.async(() -> {
            append(turn.sessionId(), turn.id(), transcript);
            return null;
        });
    }

    List<ChatMessage> window(String sessionId, int size) {
        List<ChatMessage> newestFirst = db.query(
                "SELECT message FROM conversation_messages WHERE session_id = ? ORDER BY idx DESC LIMIT ?",
                rs -> ChatMessageDeserializer.messageFromJson(rs.getString(1)),
                sessionId,
                size);
        List<ChatMessage> window = new ArrayList<>(newestFirst);
        Collections.reverse(window);
        int firstUser = 0;
        while (firstUser < window.size() && !(window.get(firstUser) instanceof UserMessage)) {
            firstUser++;
        }
        return window.subList(firstUser, window.size());
    }

    void append(String sessionId, String turnId, List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        db.inTransaction(connection -> {
            int next = Db.query(
                            connection,
                            "SELECT COALESCE(MAX(idx), 0) FROM conversation_messages WHERE session_id = ?",
                            rs -> rs.getInt(1),
                            sessionId)
                    .getFirst();
            for (ChatMessage message : messages) {
                Db.update(
                        connection,
                        "INSERT INTO conversation_messages (session_id, idx, turn_id, message) VALUES (?, ?, ?, ?)",
                        sessionId,
                        ++next,
                        turnId,
                        ChatMessageSerializer.messageToJson(message));
            }
            return null;
        });
    }
}
