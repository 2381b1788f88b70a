package dev.warden.chat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.ErrorCodes;
import dev.warden.firewall.Utf8;

/**
 * Reads a client frame into a {@link ClientMessage}, or says precisely what is wrong with it (a stable code, the
 * offending field, and the message id when one could be read). Unknown fields are ignored.
 */
final class ClientMessageParser {

    static final int MAX_ID_LENGTH = 128;
    static final java.util.Set<String> TYPES =
            java.util.Set.of("user_message", "cancel", "resume", "ping", "approval_decision");

    private final ObjectReader reader;
    private final long maxFrameBytes;

    ClientMessageParser(ObjectMapper mapper, long maxFrameBytes) {
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.maxFrameBytes = maxFrameBytes;
    }

    sealed interface Parsed {}

    record Valid(ClientMessage message) implements Parsed {}

    record Invalid(AgentEvent.Error error) implements Parsed {}

    Parsed parse(String frame) {
        if (frame.length() > maxFrameBytes || Utf8.length(frame) > maxFrameBytes) {
            return invalid(ErrorCodes.TOO_LARGE, "The frame is larger than " + maxFrameBytes + " bytes.", null, null);
        }
        JsonNode root;
        try {
            root = reader.readTree(frame);
        } catch (JacksonException e) {
            return invalid(ErrorCodes.BAD_JSON, "The frame is not valid JSON: " + e.getOriginalMessage(), null, null);
        }
        if (root == null || !root.isObject()) {
            return invalid(ErrorCodes.BAD_JSON, "The frame must be a JSON object.", null, null);
        }
        JsonNode idNode = root.get("id");
        String id = idNode != null && idNode.isTextual() ? idNode.textValue() : null;
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return invalid(ErrorCodes.INVALID_MESSAGE, "'type' is required and must be a string.", id, "type");
        }
        String type = typeNode.textValue();
        if (!TYPES.contains(type)) {
            return invalid(ErrorCodes.UNKNOWN_TYPE, "Unknown message type '" + type + "'.", id, "type");
        }
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return invalid(
                    ErrorCodes.INVALID_MESSAGE,
                    "'id' is required: a non-empty string of at most " + MAX_ID_LENGTH + " characters.",
                    null,
                    "id");
        }
        try {
            ClientMessage message = switch (type) {
                case "user_message" ->
                    new ClientMessage.UserMessage(
                            id, requiredString(root, "text", true), optionalString(root, "traceparent"));
                case "cancel" -> new ClientMessage.Cancel(id, requiredString(root, "turnId", false));
                case "resume" -> new ClientMessage.Resume(id, lastSeq(root));
                case "ping" -> new ClientMessage.Ping(id);
                case "approval_decision" ->
                    new ClientMessage.ApprovalDecision(
                            id,
                            requiredString(root, "approvalId", false),
                            oneOf(root, "decision", java.util.List.of("approve", "deny"), null),
                            oneOf(root, "scope", java.util.List.of("once", "session"), "once"));
                default -> throw new IllegalStateException("Type listed but not parsed: " + type);
            };
            return new Valid(message);
        } catch (FieldError e) {
            return invalid(ErrorCodes.INVALID_MESSAGE, e.getMessage(), id, e.field);
        }
    }

    private static String requiredString(JsonNode root, String field, boolean mayBeEmpty) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new FieldError(field, "'" + field + "' is required.");
        }
        if (!node.isTextual()) {
            throw new FieldError(field, "'" + field + "' must be a string.");
        }
        if (!mayBeEmpty && node.textValue().isEmpty()) {
            throw new FieldError(field, "'" + field + "' must not be empty.");
        }
        return node.textValue();
    }

    private static String optionalString(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new FieldError(field, "'" + field + "' must be a string.");
        }
        return node.textValue();
    }

    /** A string field that must be one of {@code allowed}; {@code fallback} when absent (null: required). */
    private static String oneOf(JsonNode root, String field, java.util.List<String> allowed, String fallback) {
        JsonNode node = root.get(field);
        if ((node == null || node.isNull()) && fallback != null) {
            return fallback;
        }
        if (node == null || !node.isTextual() || !allowed.contains(node.textValue())) {
            throw new FieldError(field, "'" + field + "' must be one of " + String.join(", ", allowed) + ".");
        }
        return node.textValue();
    }

    private static long lastSeq(JsonNode root) {
        JsonNode node = root.get("lastSeq");
        if (node == null || node.isNull()) {
            throw new FieldError("lastSeq", "'lastSeq' is required.");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new FieldError("lastSeq", "'lastSeq' must be an integer of at least 0.");
        }
        return node.longValue();
    }

    private static Invalid invalid(String code, String message, String replyTo, String field) {
        return new Invalid(new AgentEvent.Error(code, message, replyTo, field, true));
    }

    private static final class FieldError extends RuntimeException {
        final String field;

        FieldError(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }
}
