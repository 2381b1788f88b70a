package dev.warden.journal;

import java.time.Instant;

/** One event of a session as it is stored: the envelope's fields and the event's JSON. */
public record JournalEntry(
        String sessionId, long seq, String type, String turnId, String traceId, Instant ts, String payload) {}
