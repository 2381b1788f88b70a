package dev.warden.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The wire form of an event: the envelope (type, sessionId, seq, traceId, turnId, ts — and sub for an internal fact)
 * followed by the event's own fields. One shape for the WebSocket, the events API and resume.
 */
public final class Envelopes {

    private Envelopes() {}

    public static ObjectNode envelope(
            ObjectMapper mapper,
            String type,
            String sessionId,
            long seq,
            int sub,
            String traceId,
            String turnId,
            Instant ts,
            ObjectNode payload) {
        ObjectNode message = mapper.createObjectNode();
        message.put("type", type);
        message.put("sessionId", sessionId);
        message.put("seq", seq);
        if (sub > 0) {
            message.put("sub", sub);
        }
        message.put("traceId", traceId);
        if (turnId != null) {
            message.put("turnId", turnId);
        }
        message.put("ts", ts.toString());
        message.setAll(payload);
        return message;
    }

    public static ObjectNode of(ObjectMapper mapper, JournalEntry entry) {
        return envelope(
                mapper,
                entry.type(),
                entry.sessionId(),
                entry.seq(),
                entry.sub(),
                entry.traceId(),
                entry.turnId(),
                entry.ts(),
                payload(mapper, entry));
    }

    public static ObjectNode payload(ObjectMapper mapper, JournalEntry entry) {
        try {
            return (ObjectNode) mapper.readTree(entry.payload());
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException(
                    "Corrupt journal entry " + entry.seq() + "." + entry.sub() + " of session " + entry.sessionId(), e);
        }
    }
}
