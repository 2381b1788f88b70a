package dev.warden.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.smallrye.mutiny.Multi;
import java.util.List;

/** Fourth stage: the tools the model may call, and running the calls it makes. */
public interface ToolStage {

    /** The tools offered to the model in this turn. */
    List<ToolSpecification> specifications(Turn turn);

    /**
     * Runs the model's tool calls. Emits, per call, a {@link AgentEvent.ToolCall} and finally exactly one
     * {@link AgentEvent.ToolResult} (possibly an error result); other events (approvals) may come in between.
     */
    Multi<AgentEvent> execute(Turn turn, List<ToolExecutionRequest> requests);
}
