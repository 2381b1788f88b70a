package dev.warden.journal;

import dev.warden.agent.AgentEvent;
import dev.warden.chat.ChatWebSocket;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image needs registered for the journal and the WebSocket: every event is written with a plain Jackson
 * {@code ObjectMapper} ({@code SessionHub}, the export) and read back by {@link JournalCodec}, which Quarkus cannot see
 * (it registers only the types of REST signatures). Records need their accessors and canonical constructor reachable
 * by reflection. {@code JournalNativeImageTest} fails when an event type is added to {@link AgentEvent} but not here.
 * Not verified natively on these machines (no GraalVM): the native workflow runs the packaged tests against the binary.
 */
@RegisterForReflection(
        targets = {
            AgentEvent.TurnStarted.class,
            AgentEvent.FirewallVerdict.class,
            AgentEvent.FirewallVerdict.Signal.class,
            AgentEvent.MemoryRecall.class,
            AgentEvent.MemoryRecall.Item.class,
            AgentEvent.Token.class,
            AgentEvent.ToolCall.class,
            AgentEvent.ToolResult.class,
            AgentEvent.ApprovalRequired.class,
            AgentEvent.ApprovalResolved.class,
            AgentEvent.TurnCompleted.class,
            AgentEvent.Usage.class,
            AgentEvent.Error.class,
            AgentEvent.TurnInterrupted.class,
            AgentEvent.MessageReceived.class,
            AgentEvent.UserInput.class,
            AgentEvent.ModelRequest.class,
            AgentEvent.ModelResponse.class,
            AgentEvent.ToolInvocation.class,
            AgentEvent.Conversation.class,
            ChatWebSocket.SessionReady.class,
            ChatWebSocket.Pong.class,
            JournalEntry.class,
            JournalExport.Exported.class,
            Replayer.Result.class,
            Replayer.Divergence.class
        })
final class JournalNativeImage {

    private JournalNativeImage() {}
}
