package dev.warden.memory;

import java.time.Instant;

/**
 * A memory recalled for a turn, in the shape of an item of the {@code memory_recall} message: {@code score} is its
 * relevance between 0 and 1 (docs/memory.md), {@code at} when it was said.
 */
public record RecalledMemory(String id, String text, double score, String sessionId, Instant at) {}
