package dev.warden.journal;

import dev.warden.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * The append-only log of every event of every session. An event is appended (committed) before any client sees it.
 * Blocking: call from a worker thread.
 */
@ApplicationScoped
public class EventJournal {

    private final Db db;

    EventJournal(Db db) {
        this.db = db;
    }

    /** Appends the entries in one transaction (one commit for a whole batch of tokens). */
    public void append(List<JournalEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        db.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO session_events (session_id, seq, type, turn_id, trace_id, ts, payload)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (JournalEntry entry : entries) {
                    Db.bind(
                            insert,
                            entry.sessionId(),
                            entry.seq(),
                            entry.type(),
                            entry.turnId(),
                            entry.traceId(),
                            entry.ts(),
                            entry.payload());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    /** The highest seq of the session, 0 when it has no events. */
    public long lastSeq(String sessionId) {
        return db.queryOne(
                        "SELECT COALESCE(MAX(seq), 0) FROM session_events WHERE session_id = ?",
                        rs -> rs.getLong(1),
                        sessionId)
                .orElse(0L);
    }

    /** The session's events with {@code afterSeq < seq <= upToSeq}, in order. */
    public List<JournalEntry> between(String sessionId, long afterSeq, long upToSeq) {
        return db.query(
                "SELECT session_id, seq, type, turn_id, trace_id, ts, payload FROM session_events"
                        + " WHERE session_id = ? AND seq > ? AND seq <= ? ORDER BY seq",
                rs -> new JournalEntry(
                        rs.getString("session_id"),
                        rs.getLong("seq"),
                        rs.getString("type"),
                        rs.getString("turn_id"),
                        rs.getString("trace_id"),
                        Db.instant(rs, "ts"),
                        rs.getString("payload")),
                sessionId,
                afterSeq,
                upToSeq);
    }
}
