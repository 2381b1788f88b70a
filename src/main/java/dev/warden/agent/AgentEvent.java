package dev.warden.agent;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a turn tells the client, in order. The WebSocket endpoint only serialises these (inside the envelope: type,
 * sessionId, seq, traceId, turnId, ts) and the journal only appends them. Field names are part of the wire protocol.
 */
public sealed interface AgentEvent {

    /** The wire name of this event, the {@code type} field of its message. */
    @JsonIgnore
    String type();

    /** A turn began for the user message {@code messageId}; its id is the envelope's {@code turnId}. */
    record TurnStarted(String messageId) implements AgentEvent {
        @Override
        public String type() {
            return "turn_started";
        }
    }

    /** A piece of the model's answer, as the model streams it. */
    record Token(String text) implements AgentEvent {
        @Override
        public String type() {
            return "token";
        }
    }

    /** The model asked for a tool; {@code arguments} is the JSON object it sent (or a string when it was not JSON). */
    record ToolCall(String toolCallId, String tool, JsonNode arguments) implements AgentEvent {
        @Override
        public String type() {
            return "tool_call";
        }
    }

    /** What a tool returned to the model ({@code error}: the call failed and {@code result} says why). */
    record ToolResult(String toolCallId, String tool, String result, boolean error) implements AgentEvent {
        @Override
        public String type() {
            return "tool_result";
        }
    }

    /**
     * The turn is over. {@code finishReason}: {@code stop}, {@code length}, {@code content_filter}, {@code step_limit},
     * {@code cancelled}, {@code error} or {@code other}.
     */
    record TurnCompleted(String finishReason, Usage usage) implements AgentEvent {
        public static final String STOP = "stop";
        public static final String STEP_LIMIT = "step_limit";
        public static final String CANCELLED = "cancelled";
        public static final String ERROR = "error";

        @Override
        public String type() {
            return "turn_completed";
        }
    }

    /**
     * Something went wrong. {@code code} is stable (see docs/protocol.md); {@code replyTo} is the id of the client
     * message it answers, {@code field} the offending field; {@code recoverable} says whether the session can go on.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(String code, String message, String replyTo, String field, boolean recoverable) implements AgentEvent {

        public static Error of(String code, String message) {
            return new Error(code, message, null, null, true);
        }

        public static Error replyTo(String replyTo, String code, String message) {
            return new Error(code, message, replyTo, null, true);
        }

        @Override
        public String type() {
            return "error";
        }
    }

    /** Tokens the model counted for a turn, summed over its steps; a count is null when the provider sent none. */
    record Usage(Integer inputTokens, Integer outputTokens, Integer totalTokens) {
        public static final Usage NONE = new Usage(null, null, null);

        public Usage plus(Usage other) {
            return new Usage(
                    sum(inputTokens, other.inputTokens),
                    sum(outputTokens, other.outputTokens),
                    sum(totalTokens, other.totalTokens));
        }

        private static Integer sum(Integer a, Integer b) {
            if (a == null) {
                return b;
            }
            return b == null ? a : a + b;
        }
    }
}
