package dev.warden.chat;

/** What a client may send over {@code /ws/chat}. Every message has a client-chosen {@code id}. */
public sealed interface ClientMessage {

    String id();

    /** Runs a turn. {@code traceparent} (optional, W3C) makes the turn part of the client's trace. */
    record UserMessage(String id, String text, String traceparent) implements ClientMessage {}

    /** Stops the running turn {@code turnId}. */
    record Cancel(String id, String turnId) implements ClientMessage {}

    /** Sends every event after {@code lastSeq}, then the live ones. */
    record Resume(String id, long lastSeq) implements ClientMessage {}

    /** Decides a pending approval: {@code approve} or {@code deny}, {@code once} or for the whole {@code session}. */
    record ApprovalDecision(String id, String approvalId, boolean approve, String scope) implements ClientMessage {}

    /** Asks for a {@code pong}. */
    record Ping(String id) implements ClientMessage {}
}
