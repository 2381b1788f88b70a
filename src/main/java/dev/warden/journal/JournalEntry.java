package dev.warden.journal;

import java.time.Instant;

/**
 * One event of a session as it is stored: its position ({@code seq}, and {@code sub} &gt; 0 for an internal fact that
 * follows the client event {@code seq}), the envelope's fields and the event's JSON.
 */
public record JournalEntry(
        String sessionId, long seq, int sub, String type, String turnId, String traceId, Instant ts, String payload) {

    /** Whether the client sees this entry (internal facts stay in the journal). */
    public boolean visible() {
        return sub == 0;
    }
}
