package dev.warden.journal;

import dev.warden.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Sessions and who owns them. Blocking: call from a worker thread. */
@ApplicationScoped
public class SessionStore {

    private final Db db;

    SessionStore(Db db) {
        this.db = db;
    }

    public record Session(String id, String userId, String title, Instant createdAt, Instant lastActivity) {}

    public Session create(String userId) {
        Instant now = Instant.now();
        Session session = new Session(UUID.randomUUID().toString(), userId, null, now, now);
        db.update(
                "INSERT INTO sessions (id, user_id, title, created_at, last_activity) VALUES (?, ?, ?, ?, ?)",
                session.id(),
                userId,
                null,
                now,
                now);
        return session;
    }

    /** The session, if it exists and belongs to {@code userId}; someone else's session is not found, like no session. */
    public Optional<Session> findOwned(String sessionId, String userId) {
        if (sessionId == null || !isUuid(sessionId)) {
            return Optional.empty();
        }
        return db.queryOne(
                "SELECT id, user_id, title, created_at, last_activity FROM sessions WHERE id = ? AND user_id = ?",
                rs -> new Session(
                        rs.getString("id"),
                        rs.getString("user_id"),
                        rs.getString("title"),
                        Db.instant(rs, "created_at"),
                        Db.instant(rs, "last_activity")),
                sessionId,
                userId);
    }

    /** Sets the title from the first user message, if the session has none yet, and the last activity to now. */
    public void touch(String sessionId, String firstMessage) {
        String title = firstMessage == null ? null : titleFrom(firstMessage);
        db.update(
                "UPDATE sessions SET last_activity = ?, title = COALESCE(title, ?) WHERE id = ?",
                Instant.now(),
                title,
                sessionId);
    }

    static String titleFrom(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 79) + "…";
    }

    static boolean isUuid(String value) {
        try {
            return UUID.fromString(value).toString().equals(value.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
