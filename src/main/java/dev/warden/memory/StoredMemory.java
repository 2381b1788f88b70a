package dev.warden.memory;

import java.time.Instant;

/** A memory as the database keeps it: one piece ({@code part}, from 0) of one remembered exchange. */
public record StoredMemory(
        String id, String userId, String sessionId, String turnId, int part, String text, Instant at) {}
