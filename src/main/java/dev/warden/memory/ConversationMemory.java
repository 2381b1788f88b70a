package dev.warden.memory;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.warden.agent.MemoryStage;
import dev.warden.agent.Turn;
import dev.warden.config.WardenConfig;
import dev.warden.db.Db;
import dev.warden.journal.EventJournal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The session's recent conversation, read from the journal (each turn's {@code conversation} fact), so a session
 * continues where it stopped across re-attaches and restarts and nothing is kept twice. The window always starts at a
 * user message, so a tool call is never cut from its result.
 */
@ApplicationScoped
public class ConversationMemory implements MemoryStage {

    private final Db db;
    private final EventJournal journal;
    private final WardenConfig config;

    ConversationMemory(Db db, EventJournal journal, WardenConfig config) {
        this.db = db;
        this.journal = journal;
        this.config = config;
    }

    @Override
    public Uni<List<ChatMessage>> recall(Turn turn) {
        return db.async(() -> window(turn.sessionId(), config.memory().windowMessages()));
    }

    List<ChatMessage> window(String sessionId, int size) {
        List<List<ChatMessage>> newestTurnsFirst = journal.recentConversations(sessionId, size);
        List<ChatMessage> window = new ArrayList<>();
        for (int i = newestTurnsFirst.size() - 1; i >= 0; i--) {
            window.addAll(newestTurnsFirst.get(i));
        }
        return fromUserMessage(window.subList(Math.max(0, window.size() - size), window.size()));
    }

    /** Drops messages before the first user message: a window must not start with an orphaned tool result. */
    public static List<ChatMessage> fromUserMessage(List<ChatMessage> messages) {
        int first = 0;
        while (first < messages.size() && !(messages.get(first) instanceof UserMessage)) {
            first++;
        }
        return List.copyOf(messages.subList(first, messages.size()));
    }
}
