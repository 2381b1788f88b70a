package dev.warden.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.AgentEvent;
import java.util.Map;
import java.util.Optional;

/** Reads journaled payloads back into {@link AgentEvent}s, by their type. */
public final class JournalCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final Map<String, Class<? extends AgentEvent>> TYPES = Map.ofEntries(
            Map.entry("turn_started", AgentEvent.TurnStarted.class),
            Map.entry("token", AgentEvent.Token.class),
            Map.entry("tool_call", AgentEvent.ToolCall.class),
            Map.entry("tool_result", AgentEvent.ToolResult.class),
            Map.entry("turn_completed", AgentEvent.TurnCompleted.class),
            Map.entry("turn_interrupted", AgentEvent.TurnInterrupted.class),
            Map.entry("error", AgentEvent.Error.class),
            Map.entry("firewall_verdict", AgentEvent.FirewallVerdict.class),
            Map.entry("memory_recall", AgentEvent.MemoryRecall.class),
            Map.entry("approval_required", AgentEvent.ApprovalRequired.class),
            Map.entry("approval_resolved", AgentEvent.ApprovalResolved.class),
            Map.entry("message_received", AgentEvent.MessageReceived.class),
            Map.entry("user_input", AgentEvent.UserInput.class),
            Map.entry("model_request", AgentEvent.ModelRequest.class),
            Map.entry("model_response", AgentEvent.ModelResponse.class),
            Map.entry("tool_invocation", AgentEvent.ToolInvocation.class),
            Map.entry("conversation", AgentEvent.Conversation.class));

    private JournalCodec() {}

    /** Every type the journal knows, with the event class its payload is read into. */
    public static Map<String, Class<? extends AgentEvent>> types() {
        return TYPES;
    }

    /** The event an entry holds; empty for a type this version does not know. */
    public static Optional<AgentEvent> event(JournalEntry entry) {
        Class<? extends AgentEvent> type = TYPES.get(entry.type());
        if (type == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(entry.payload(), type));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "Entry " + entry.seq() + "." + entry.sub() + " (" + entry.type() + ") is not valid: "
                            + e.getOriginalMessage(),
                    e);
        }
    }
}
