package dev.warden.memory;

import dev.warden.db.Db;
import dev.warden.embedding.TextEmbedder;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memories in the database, the system of record, and the outbox of work for the index. Plain JDBC that runs
 * unchanged on H2 and PostgreSQL. Every method blocks.
 */
@ApplicationScoped
public class MemoryRepository {

    static final String INDEX = "index";
    static final String DELETE = "delete";
    static final String DELETE_USER = "delete_user";

    private static final String COLUMNS = "id, user_id, session_id, turn_id, part, text, created_at";

    private final Db db;

    MemoryRepository(Db db) {
        this.db = db;
    }

    /** A memory with its vector (null until admitted) and the embedding model that computed the vector. */
    record Row(StoredMemory memory, float[] vector, String vectorModel) {

        /** Whether the vector is there but was computed by another model than the one Warden embeds with now. */
        boolean staleVector() {
            return vector != null && !TextEmbedder.MODEL_NAME.equals(vectorModel);
        }
    }

    /** One entry of the outbox. */
    record Task(long seq, String op, String userId, String memoryId, int attempts) {}

    /** Stores the pieces of one exchange and queues them for the index, in one transaction. */
    void insert(List<StoredMemory> memories, Instant now) {
        db.inTransaction(connection -> {
            for (StoredMemory m : memories) {
                Db.update(
                        connection,
                        "INSERT INTO memories (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                        m.id(),
                        m.userId(),
                        m.sessionId(),
                        m.turnId(),
                        m.part(),
                        m.text(),
                        m.at());
                enqueue(connection, INDEX, m.userId(), m.id(), now);
            }
            return null;
        });
    }

    /** The user's memories, newest first. */
    List<StoredMemory> newest(String userId, int limit) {
        return db.query(
                "SELECT " + COLUMNS + " FROM memories WHERE user_id = ? ORDER BY created_at DESC, turn_id, part"
                        + " FETCH FIRST " + limit + " ROWS ONLY",
                MemoryRepository::memory,
                userId);
    }

    /** Those of {@code ids} that are memories of this user, by id. */
    Map<String, StoredMemory> owned(String userId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        List<Object> params = new ArrayList<>();
        params.add(userId);
        params.addAll(ids);
        Map<String, StoredMemory> found = new LinkedHashMap<>();
        for (StoredMemory m : db.query(
                "SELECT " + COLUMNS + " FROM memories WHERE user_id = ? AND id IN (" + marks + ")",
                MemoryRepository::memory,
                params.toArray())) {
            found.put(m.id(), m);
        }
        return found;
    }

    /** Rows with their embeddings, by id; ids no longer in the database are missing from the answer. */
    Map<String, Row> rows(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        Map<String, Row> found = new LinkedHashMap<>();
        for (Row row : db.query(
                "SELECT " + COLUMNS + ", vector, vector_model FROM memories WHERE id IN (" + marks + ")",
                rs -> new Row(memory(rs), decode(rs.getBytes("vector")), rs.getString("vector_model")),
                ids.toArray())) {
            found.put(row.memory().id(), row);
        }
        return found;
    }

    /** Records what the screen let through and its embedding. */
    void admitted(String id, String text, float[] vector) {
        db.update(
                "UPDATE memories SET text = ?, vector = ?, vector_model = ? WHERE id = ?",
                text,
                encode(vector),
                TextEmbedder.MODEL_NAME,
                id);
    }

    /** Replaces a vector computed by another embedding model; the admitted text stays as it is. */
    void reembedded(String id, float[] vector) {
        db.update(
                "UPDATE memories SET vector = ?, vector_model = ? WHERE id = ?",
                encode(vector),
                TextEmbedder.MODEL_NAME,
                id);
    }

    /**
     * Queues for indexing every memory whose vector another embedding model computed (one stored before the model
     * changed) and that is not queued already, so the indexer embeds it again; returns how many.
     */
    int enqueueStaleVectors(Instant now) {
        return db.update(
                "INSERT INTO memory_outbox (op, user_id, memory_id, attempts, next_attempt, created_at)"
                        + " SELECT ?, m.user_id, m.id, 0, ?, ? FROM memories m WHERE m.vector IS NOT NULL"
                        + " AND (m.vector_model IS NULL OR m.vector_model <> ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM memory_outbox o WHERE o.memory_id = m.id AND o.op = ?)",
                INDEX,
                now,
                now,
                TextEmbedder.MODEL_NAME,
                INDEX);
    }

    /** Deletes one memory of this user and queues its removal from the index; false when there is no such memory. */
    boolean delete(String userId, String id, Instant now) {
        return db.inTransaction(connection -> {
            int deleted = Db.update(connection, "DELETE FROM memories WHERE id = ? AND user_id = ?", id, userId);
            if (deleted > 0) {
                enqueue(connection, DELETE, userId, id, now);
            }
            return deleted > 0;
        });
    }

    /** Deletes every memory of this user made in this session and queues their removal from the index; how many. */
    int deleteSession(String userId, String sessionId, Instant now) {
        return db.inTransaction(connection -> {
            List<String> ids = Db.query(
                    connection,
                    "SELECT id FROM memories WHERE user_id = ? AND session_id = ?",
                    rs -> rs.getString(1),
                    userId,
                    sessionId);
            for (String id : ids) {
                Db.update(connection, "DELETE FROM memories WHERE id = ?", id);
                enqueue(connection, DELETE, userId, id, now);
            }
            return ids.size();
        });
    }

    /** Deletes a piece the screen refused; nothing of it was indexed yet. */
    void refused(String id) {
        db.update("DELETE FROM memories WHERE id = ?", id);
    }

    /** Deletes every memory of this user and queues the same for the index; returns how many there were. */
    int deleteAll(String userId, Instant now) {
        return db.inTransaction(connection -> {
            int deleted = Db.update(connection, "DELETE FROM memories WHERE user_id = ?", userId);
            enqueue(connection, DELETE_USER, userId, null, now);
            return deleted;
        });
    }

    /** Queues every memory for indexing again (the index was lost or moved aside); returns how many. */
    int enqueueAll(Instant now) {
        return db.update(
                "INSERT INTO memory_outbox (op, user_id, memory_id, attempts, next_attempt, created_at)"
                        + " SELECT ?, user_id, id, 0, ?, ? FROM memories",
                INDEX,
                now,
                now);
    }

    int count() {
        return db.queryOne("SELECT COUNT(*) FROM memories", rs -> rs.getInt(1)).orElse(0);
    }

    int pending() {
        return db.queryOne("SELECT COUNT(*) FROM memory_outbox", rs -> rs.getInt(1))
                .orElse(0);
    }

    /**
     * Claims up to {@code limit} tasks that are due and not claimed by another node (or whose claim ran out), in order,
     * for {@code lease}.
     */
    List<Task> claim(String node, int limit, Duration lease, Instant now) {
        return db.inTransaction(connection -> {
            List<Task> due = Db.query(
                    connection,
                    "SELECT seq, op, user_id, memory_id, attempts FROM memory_outbox"
                            + " WHERE next_attempt <= ? AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?)"
                            + " ORDER BY seq FETCH FIRST " + limit + " ROWS ONLY",
                    rs -> new Task(
                            rs.getLong("seq"),
                            rs.getString("op"),
                            rs.getString("user_id"),
                            rs.getString("memory_id"),
                            rs.getInt("attempts")),
                    now,
                    now,
                    node);
            List<Task> claimed = new ArrayList<>();
            for (Task task : due) {
                int updated = Db.update(
                        connection,
                        "UPDATE memory_outbox SET claimed_by = ?, claimed_until = ? WHERE seq = ?"
                                + " AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?)",
                        node,
                        now.plus(lease),
                        task.seq(),
                        now,
                        node);
                if (updated == 1) {
                    claimed.add(task);
                }
            }
            return claimed;
        });
    }

    /** The tasks are done: removes them from the outbox. */
    void done(Collection<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        db.inTransaction(connection -> {
            for (Task task : tasks) {
                Db.update(connection, "DELETE FROM memory_outbox WHERE seq = ?", task.seq());
            }
            return null;
        });
    }

    /** The tasks failed: they wait until {@code next}, unclaimed, with the reason kept. */
    void failed(Collection<Task> tasks, String error, Instant next) {
        String reason = error == null ? "" : error.substring(0, Math.min(error.length(), 1000));
        db.inTransaction(connection -> {
            for (Task task : tasks) {
                Db.update(
                        connection,
                        "UPDATE memory_outbox SET attempts = attempts + 1, next_attempt = ?, last_error = ?,"
                                + " claimed_by = NULL, claimed_until = NULL WHERE seq = ?",
                        next,
                        reason,
                        task.seq());
            }
            return null;
        });
    }

    /** When the earliest waiting task is due, if there is one. */
    Instant nextDue() {
        List<Instant> due = db.query("SELECT MIN(next_attempt) AS due FROM memory_outbox", rs -> Db.instant(rs, "due"));
        return due.isEmpty() ? null : due.getFirst();
    }

    /** Releases this node's claims (at start: whatever it held when it stopped is free again). */
    void release(String node) {
        db.update("UPDATE memory_outbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?", node);
    }

    private static void enqueue(Connection connection, String op, String userId, String memoryId, Instant now)
            throws SQLException {
        Db.update(
                connection,
                "INSERT INTO memory_outbox (op, user_id, memory_id, attempts, next_attempt, created_at)"
                        + " VALUES (?, ?, ?, 0, ?, ?)",
                op,
                userId,
                memoryId,
                now,
                now);
    }

    private static StoredMemory memory(ResultSet rs) throws SQLException {
        return new StoredMemory(
                rs.getString("id"),
                rs.getString("user_id"),
                rs.getString("session_id"),
                rs.getString("turn_id"),
                rs.getInt("part"),
                rs.getString("text"),
                Db.instant(rs, "created_at"));
    }

    static byte[] encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    static float[] decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
