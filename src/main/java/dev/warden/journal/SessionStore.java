package dev.warden.journal;

import dev.warden.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Sessions and who owns them. Blocking: call from a worker thread. */
@ApplicationScoped
public class SessionStore {

    private final Db db;

    SessionStore(Db db) {
        this.db = db;
    }

    /** A session; {@code openTurnId} is the turn running (or cut off and not yet closed), if any. */
    public record Session(
            String id, String userId, String title, Instant createdAt, Instant lastActivity, String openTurnId) {}

    static final String COLUMNS = "id, user_id, title, created_at, last_activity, open_turn_id";

    public Session create(String userId) {
        Instant now = Instant.now();
        Session session = new Session(UUID.randomUUID().toString(), userId, null, now, now, null);
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
                "SELECT " + COLUMNS + " FROM sessions WHERE id = ? AND user_id = ?",
                SessionStore::session,
                sessionId,
                userId);
    }

    /** The user's sessions, most recently active first. */
    public List<Session> list(String userId, int limit) {
        return db.query(
                "SELECT " + COLUMNS + " FROM sessions WHERE user_id = ? ORDER BY last_activity DESC, id LIMIT ?",
                SessionStore::session,
                userId,
                limit);
    }

    /** Creates a session for {@code userId} with this title (a fork). */
    public Session create(String userId, String title) {
        Session session = create(userId);
        db.update("UPDATE sessions SET title = ? WHERE id = ?", title, session.id());
        return new Session(session.id(), userId, title, session.createdAt(), session.lastActivity(), null);
    }

    /** Deletes the session and its journal; false when it was not the user's. */
    public boolean delete(String sessionId, String userId) {
        return db.update("DELETE FROM sessions WHERE id = ? AND user_id = ?", sessionId, userId) == 1;
    }

    private static Session session(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Session(
                rs.getString("id"),
                rs.getString("user_id"),
                rs.getString("title"),
                Db.instant(rs, "created_at"),
                Db.instant(rs, "last_activity"),
                rs.getString("open_turn_id"));
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

    public static String titleFrom(String text) {
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
