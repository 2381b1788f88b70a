package dev.warden.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.ChatMessage;
import dev.warden.agent.Transcripts;
import dev.warden.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only log of every event of every session. An event is committed here before any client sees it. The
 * append also keeps {@code sessions.open_turn_*} in step with the journal (same transaction), so a restart knows which
 * turns were cut off. Blocking: call from a worker thread.
 */
@ApplicationScoped
public class EventJournal {

    static final String COLUMNS = "session_id, seq, sub, type, turn_id, trace_id, ts, payload";
    /** How long a running turn's node vouches for it without renewing; then another node may close it. */
    public static final Duration LEASE = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Db db;
    private final NodeIdentity node;

    EventJournal(Db db, NodeIdentity node) {
        this.db = db;
        this.node = node;
    }

    /** The position of a session's last entry: its seq (0 when empty) and the sub of its last fact. */
    public record Position(long seq, int sub) {}

    /** Appends the entries in one transaction (one commit for a whole batch of tokens). */
    public void append(List<JournalEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        db.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO session_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (JournalEntry entry : entries) {
                    Db.bind(
                            insert,
                            entry.sessionId(),
                            entry.seq(),
                            entry.sub(),
                            entry.type(),
                            entry.turnId(),
                            entry.traceId(),
                            entry.ts(),
                            entry.payload());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            trackOpenTurns(connection, entries);
            return null;
        });
    }

    private void trackOpenTurns(Connection connection, List<JournalEntry> entries) throws SQLException {
        for (JournalEntry entry : entries) {
            switch (entry.type()) {
                case "turn_started" ->
                    Db.update(
                            connection,
                            "UPDATE sessions SET open_turn_id = ?, open_turn_node = ?, open_turn_lease = ?,"
                                    + " last_activity = ? WHERE id = ?",
                            entry.turnId(),
                            node.id(),
                            entry.ts().plus(LEASE),
                            entry.ts(),
                            entry.sessionId());
                case "turn_completed", "turn_interrupted" ->
                    Db.update(
                            connection,
                            "UPDATE sessions SET open_turn_id = NULL, open_turn_node = NULL, open_turn_lease = NULL,"
                                    + " last_activity = ? WHERE id = ? AND open_turn_id = ?",
                            entry.ts(),
                            entry.sessionId(),
                            entry.turnId());
                default -> {}
            }
        }
    }

    public Position lastPosition(String sessionId) {
        return db.queryOne(
                        "SELECT seq, sub FROM session_events WHERE session_id = ? ORDER BY seq DESC, sub DESC LIMIT 1",
                        rs -> new Position(rs.getLong(1), rs.getInt(2)),
                        sessionId)
                .orElse(new Position(0, 0));
    }

    /** The client events with {@code afterSeq < seq <= upToSeq}, in order, at most {@code limit}. */
    public List<JournalEntry> visible(String sessionId, long afterSeq, long upToSeq, int limit) {
        return db.query(
                "SELECT " + COLUMNS + " FROM session_events WHERE session_id = ? AND seq > ? AND seq <= ? AND sub = 0"
                        + " ORDER BY seq LIMIT ?",
                EventJournal::entry,
                sessionId,
                afterSeq,
                upToSeq,
                limit);
    }

    /** Entries after {@code afterSeq} in order, at most {@code limit}; with the internal facts when asked. */
    public List<JournalEntry> entries(String sessionId, long afterSeq, int limit, boolean withFacts) {
        return db.query(
                "SELECT " + COLUMNS + " FROM session_events WHERE session_id = ? AND seq > ?"
                        + (withFacts ? "" : " AND sub = 0") + " ORDER BY seq, sub LIMIT ?",
                EventJournal::entry,
                sessionId,
                afterSeq,
                limit);
    }

    /** Entries after {@code from} up to {@code to} (both positions), facts included, in order, at most {@code limit}. */
    public List<JournalEntry> after(String sessionId, Position from, Position to, int limit) {
        return db.query(
                "SELECT " + COLUMNS + " FROM session_events WHERE session_id = ?"
                        + " AND (seq > ? OR (seq = ? AND sub > ?)) AND (seq < ? OR (seq = ? AND sub <= ?))"
                        + " ORDER BY seq, sub LIMIT ?",
                EventJournal::entry,
                sessionId,
                from.seq(),
                from.seq(),
                from.sub(),
                to.seq(),
                to.seq(),
                to.sub(),
                limit);
    }

    /** How many entries the session has up to {@code to}. */
    public long count(String sessionId, Position to) {
        return db.queryOne(
                        "SELECT COUNT(*) FROM session_events WHERE session_id = ? AND (seq < ? OR (seq = ? AND sub <= ?))",
                        rs -> rs.getLong(1),
                        sessionId,
                        to.seq(),
                        to.seq(),
                        to.sub())
                .orElse(0L);
    }

    /** Every entry of one turn, facts included, in order. */
    public List<JournalEntry> turn(String sessionId, String turnId) {
        return db.query(
                "SELECT " + COLUMNS + " FROM session_events WHERE session_id = ? AND turn_id = ? ORDER BY seq, sub",
                EventJournal::entry,
                sessionId,
                turnId);
    }

    /**
     * The messages of the session's most recent turns (newest turn first), enough to fill {@code messages}: each turn's
     * {@code conversation} fact.
     */
    public List<List<ChatMessage>> recentConversations(String sessionId, int messages) {
        List<List<ChatMessage>> turns = new ArrayList<>();
        int[] count = {0};
        db.query(
                "SELECT payload FROM session_events WHERE session_id = ? AND type = 'conversation'"
                        + " ORDER BY seq DESC, sub DESC LIMIT ?",
                rs -> {
                    if (count[0] < messages) {
                        List<ChatMessage> turn =
                                Transcripts.messages(readTree(rs.getString(1)).path("messages"));
                        turns.add(turn);
                        count[0] += turn.size();
                    }
                    return null;
                },
                sessionId,
                messages);
        return turns;
    }

    public String nodeId() {
        return node.id();
    }

    /** Renews the lease of turns this node is running. */
    public void renewLeases(List<String> turnIds) {
        Instant until = Instant.now().plus(LEASE);
        for (String turnId : turnIds) {
            db.update(
                    "UPDATE sessions SET open_turn_lease = ? WHERE open_turn_id = ? AND open_turn_node = ?",
                    until,
                    turnId,
                    node.id());
        }
    }

    public record OpenTurn(String sessionId, String turnId, String node) {}

    /** Turns that were left open by this node (before a restart) or whose node stopped renewing its lease. */
    public List<OpenTurn> abandonedTurns() {
        return db.query(
                "SELECT id, open_turn_id, open_turn_node FROM sessions WHERE open_turn_id IS NOT NULL"
                        + " AND (open_turn_node = ? OR open_turn_lease < ?)",
                rs -> new OpenTurn(rs.getString(1), rs.getString(2), rs.getString(3)),
                node.id(),
                Instant.now());
    }

    static JournalEntry entry(ResultSet rs) throws SQLException {
        return new JournalEntry(
                rs.getString("session_id"),
                rs.getLong("seq"),
                rs.getInt("sub"),
                rs.getString("type"),
                rs.getString("turn_id"),
                rs.getString("trace_id"),
                Db.instant(rs, "ts"),
                rs.getString("payload"));
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Corrupt journal payload", e);
        }
    }
}
