package dev.warden.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.ToolStage;
import dev.warden.agent.Turn;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Runs the model's tool calls one after the other, each on a worker thread. A failing or unknown tool becomes an
 * error result the model reads; it never fails the turn.
 */
@ApplicationScoped
public class BuiltinToolStage implements ToolStage {

    private final ToolRegistry registry;
    private final ObjectMapper mapper;

    BuiltinToolStage(ToolRegistry registry, ObjectMapper mapper) {
        this.registry = registry;
        this.mapper = mapper;
    }

    @Override
    public List<ToolSpecification> specifications(Turn turn) {
        return registry.specifications();
    }

    @Override
    public Multi<AgentEvent> execute(Turn turn, List<ToolExecutionRequest> requests) {
        return Multi.createFrom()
                .iterable(requests)
                .onItem()
                .transformToMultiAndConcatenate(request -> Multi.createBy()
                        .concatenating()
                        .streams(
                                Multi.createFrom()
                                        .item(new AgentEvent.ToolCall(
                                                request.id(), request.name(), arguments(request))),
                                run(turn, request).toMulti()));
    }

    private Uni<AgentEvent> run(Turn turn, ToolExecutionRequest request) {
        return Uni.createFrom()
                .item(() -> invoke(turn, request))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private AgentEvent invoke(Turn turn, ToolExecutionRequest request) {
        var tool = registry.find(request.name());
        if (tool.isEmpty()) {
            return new AgentEvent.ToolResult(request.id(), request.name(), "Unknown tool: " + request.name(), true);
        }
        try {
            ToolExecutionResult result = tool.get()
                    .executor()
                    .executeWithContext(
                            request,
                            InvocationContext.builder()
                                    .chatMemoryId(turn.sessionId())
                                    .timestampNow()
                                    .build());
            String text = result.resultText() == null ? "" : result.resultText();
            return new AgentEvent.ToolResult(request.id(), request.name(), text, result.isError());
        } catch (RuntimeException e) {
            Log.debugf("Tool %s failed: %s", request.name(), e.getMessage());
            String message =
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return new AgentEvent.ToolResult(request.id(), request.name(), "Error: " + message, true);
        }
    }

    private JsonNode arguments(ToolExecutionRequest request) {
        String arguments = request.arguments();
        if (arguments == null || arguments.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(arguments);
        } catch (Exception e) {
            return TextNode.valueOf(arguments);
        }
    }
}
