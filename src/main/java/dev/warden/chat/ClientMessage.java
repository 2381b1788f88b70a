package dev.warden.chat;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What a client may send over {@code /ws/chat}. Every message has a client-chosen {@code id}. The records are also the
 * OpenAPI schemas of the client messages ({@link ProtocolMessages}); {@code requiredProperties} says what
 * {@link ClientMessageParser} insists on.
 */
public sealed interface ClientMessage {

    String id();

    /** Runs a turn. {@code traceparent} (optional, W3C) makes the turn part of the client's trace. */
    @Schema(requiredProperties = {"id", "text"})
    record UserMessage(
            @Schema(description = ID, minLength = 1, maxLength = 128)
            String id,

            @Schema(description = "The user's message (at most warden.limits.max-input-bytes of UTF-8).")
            String text,

            @Schema(description = "W3C trace context: the turn joins this trace.")
            String traceparent)
            implements ClientMessage {}

    /** Stops the running turn {@code turnId}. */
    @Schema(requiredProperties = {"id", "turnId"})
    record Cancel(
            @Schema(description = ID, minLength = 1, maxLength = 128)
            String id,

            @Schema(description = "The running turn (the turnId of its turn_started).", minLength = 1)
            String turnId)
            implements ClientMessage {}

    /** Sends every event after {@code lastSeq}, then the live ones. */
    @Schema(requiredProperties = {"id", "lastSeq"})
    record Resume(
            @Schema(description = ID, minLength = 1, maxLength = 128)
            String id,

            @Schema(description = "The last seq the client processed (0: from the start).", minimum = "0")
            long lastSeq)
            implements ClientMessage {}

    /** Decides a pending approval: {@code approve} or {@code deny}, {@code once} or for the whole {@code session}. */
    @Schema(requiredProperties = {"id", "approvalId", "decision"})
    record ApprovalDecision(
            @Schema(description = ID, minLength = 1, maxLength = 128)
            String id,

            @Schema(description = "The approvalId of the approval_required.", minLength = 1)
            String approvalId,

            @Schema(enumeration = {"approve", "deny"}) String decision,

            @Schema(
                    description = "once: this call only; session: also later calls of the same tool and"
                            + " argument pattern in this session.",
                    enumeration = {"once", "session"},
                    defaultValue = "once")
            String scope)
            implements ClientMessage {

        public boolean approve() {
            return "approve".equals(decision);
        }
    }

    /** Asks for a {@code pong}. */
    @Schema(requiredProperties = {"id"})
    record Ping(
            @Schema(description = ID, minLength = 1, maxLength = 128)
            String id) implements ClientMessage {}

    String ID = "Client-chosen message id; replies and errors name it in replyTo.";
}
