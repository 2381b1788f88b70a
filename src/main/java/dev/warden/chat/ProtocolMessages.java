package dev.warden.chat;

import dev.warden.agent.AgentEvent;
import java.util.List;

/**
 * Every message of the WebSocket protocol: its {@code type} and the record whose fields it carries on the wire (after
 * the envelope). The OpenAPI document's message schemas are generated from these records (dev.warden.api
 * .ApiDocumentFilter), so the document follows the code; the tests check both against real messages.
 */
public final class ProtocolMessages {

    private ProtocolMessages() {}

    /**
     * One message type. {@code inTurn}: the message always belongs to a turn, so its envelope always has a
     * {@code turnId}.
     */
    public record Message(String type, Class<? extends Record> fields, String description, boolean inTurn) {

        /** The OpenAPI schema name: {@code token} is {@code TokenMessage}, {@code user_message} {@code UserMessage}. */
        public String schemaName() {
            StringBuilder name = new StringBuilder();
            for (String word : type.split("_")) {
                name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
            return name.toString().endsWith("Message") ? name.toString() : name + "Message";
        }
    }

    /** What a client sends: {@code type} and a client-chosen {@code id}, then the fields of the record. */
    public static final List<Message> CLIENT = List.of(
            new Message(
                    "user_message",
                    ClientMessage.UserMessage.class,
                    "Runs a turn. With a W3C traceparent the turn joins the client's trace.",
                    false),
            new Message(
                    "approval_decision", ClientMessage.ApprovalDecision.class, "Decides a pending approval.", false),
            new Message(
                    "cancel",
                    ClientMessage.Cancel.class,
                    "Stops the running turn now and closes the model call.",
                    false),
            new Message(
                    "resume",
                    ClientMessage.Resume.class,
                    "Sends every event after lastSeq in order, then the live ones.",
                    false),
            new Message("ping", ClientMessage.Ping.class, "Answered by pong.", false));

    /** What the server sends: the envelope, then the fields of the record. */
    public static final List<Message> SERVER = List.of(
            new Message(
                    "session_ready",
                    ChatWebSocket.SessionReady.class,
                    "Always the first message of a connection (a reply: its seq is the session's last event).",
                    false),
            new Message(
                    "turn_started",
                    AgentEvent.TurnStarted.class,
                    "A turn began; its turnId is what cancel takes.",
                    true),
            new Message(
                    "firewall_verdict",
                    AgentEvent.FirewallVerdict.class,
                    "The firewall's verdict on the user message, or on a tool result or recalled memory it flagged or"
                            + " blocked.",
                    true),
            new Message(
                    "memory_recall",
                    AgentEvent.MemoryRecall.class,
                    "The long-term memories recalled for this turn, best first, sent before the model is asked.",
                    true),
            new Message("token", AgentEvent.Token.class, "The next piece of the model's answer.", true),
            new Message("tool_call", AgentEvent.ToolCall.class, "The model asked for a tool.", true),
            new Message(
                    "approval_required",
                    AgentEvent.ApprovalRequired.class,
                    "A tool call waits for a person's approval_decision. Sent again (as a reply, without turnId)"
                            + " after a resume while it still waits.",
                    false),
            new Message(
                    "approval_resolved",
                    AgentEvent.ApprovalResolved.class,
                    "An approval was decided (by the user, the timeout, the policy, or the end of the turn).",
                    false),
            new Message("tool_result", AgentEvent.ToolResult.class, "What a tool returned to the model.", true),
            new Message(
                    "turn_completed",
                    AgentEvent.TurnCompleted.class,
                    "The turn is over; every turn ends with exactly one (or, after a crash, turn_interrupted).",
                    true),
            new Message(
                    "turn_interrupted",
                    AgentEvent.TurnInterrupted.class,
                    "The turn was cut off (the service restarted or its node was lost); it ends the turn.",
                    true),
            new Message(
                    "error",
                    AgentEvent.Error.class,
                    "Something went wrong: in a turn (a session event), or with this connection's own input (a"
                            + " reply).",
                    false),
            new Message(
                    "pong",
                    ChatWebSocket.Pong.class,
                    "Answer to ping (a reply: its seq is the session's last event).",
                    false));
}
