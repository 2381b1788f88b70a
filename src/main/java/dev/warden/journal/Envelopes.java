package dev.warden.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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

    /**
     * The same envelope, written as text straight from the stored payload (no parsing): the hot path for live events
     * and resume. {@code payloadJson} must be a JSON object, as the journal stores it.
     */
    public static String render(
            String type, String sessionId, long seq, String traceId, String turnId, Instant ts, String payloadJson) {
        StringBuilder out = new StringBuilder(payloadJson.length() + 192);
        out.append("{\"type\":");
        quote(out, type);
        out.append(",\"sessionId\":");
        quote(out, sessionId);
        out.append(",\"seq\":").append(seq).append(",\"traceId\":");
        quote(out, traceId);
        if (turnId != null) {
            out.append(",\"turnId\":");
            quote(out, turnId);
        }
        out.append(",\"ts\":");
        quote(out, ts.toString());
        int inner = payloadJson.indexOf('{') + 1;
        String rest = payloadJson.substring(inner).strip();
        if (!rest.equals("}")) {
            out.append(',').append(rest);
        } else {
            out.append('}');
        }
        return out.toString();
    }

    private static void quote(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"')
                .append(JsonStringEncoder.getInstance().quoteAsString(value))
                .append('"');
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
