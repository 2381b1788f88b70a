package dev.warden.memory;

import java.time.Instant;
import java.util.Objects;

/**
 * One memory as a store keeps it: a piece of a past exchange of one user, with where and when it was said and its
 * embedding ({@link dev.warden.embedding.TextEmbedder}, unit length).
 */
public record MemoryRecord(
        String id, String userId, String sessionId, String turnId, String text, Instant at, float[] vector) {

    public MemoryRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(vector, "vector");
    }
}
