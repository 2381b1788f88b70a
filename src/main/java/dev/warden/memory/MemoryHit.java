package dev.warden.memory;

import java.time.Instant;

/**
 * A memory a store found for a query. {@code score} is its relevance between 0 and 1 (see {@link MemoryQuery}); hits
 * come best first in the order the store ranked them, which for fused retrieval is not always the order of
 * {@code score}.
 */
public record MemoryHit(String id, String sessionId, String turnId, String text, Instant at, double score) {}
