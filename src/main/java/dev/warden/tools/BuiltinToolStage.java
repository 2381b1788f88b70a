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
    private final Executor executor;

    @jakarta.inject.Inject
    BuiltinToolStage(ToolRegistry registry, ObjectMapper mapper) {
        this.registry = registry;
        this.mapper = mapper;
        this.executor = this::execute;
    }

    private BuiltinToolStage(ToolRegistry registry, ObjectMapper mapper, Executor executor) {
        this.registry = registry;
        this.mapper = mapper;
        this.executor = executor;
    }

    /** What running one tool call produced: the text the model reads, and whether it is an error. */
    public record Outcome(String text, boolean error) {}

    /** Runs one tool call. The live stage runs the registered tool; a replay answers from the recording. */
    @FunctionalInterface
    public interface Executor {
        Outcome run(Turn turn, ToolExecutionRequest request);
    }

    /** This stage with the tool calls answered by {@code executor} instead of run (replay). */
    public BuiltinToolStage answeredBy(Executor executor) {
        return new BuiltinToolStage(registry, mapper, executor);
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
                                run(turn, request).onItem().transformToMulti(BuiltinToolStage::recordedThenResult)));
    }

    /** The raw invocation for the journal, then the result the client and the model see. */
    private static Multi<AgentEvent> recordedThenResult(AgentEvent.ToolInvocation invocation) {
        return Multi.createFrom()
                .items(
                        invocation,
                        new AgentEvent.ToolResult(
                                invocation.toolCallId(), invocation.tool(), invocation.result(), invocation.error()));
    }

    private Uni<AgentEvent.ToolInvocation> run(Turn turn, ToolExecutionRequest request) {
        return Uni.createFrom()
                .item(() -> invoke(turn, request))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private AgentEvent.ToolInvocation invoke(Turn turn, ToolExecutionRequest request) {
        long started = System.nanoTime();
        Outcome outcome = executor.run(turn, request);
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new AgentEvent.ToolInvocation(
                request.id(), request.name(), request.arguments(), outcome.text(), outcome.error(), millis);
    }

    private Outcome execute(Turn turn, ToolExecutionRequest request) {
        var tool = registry.find(request.name());
        if (tool.isEmpty()) {
            return new Outcome("Unknown tool: " + request.name(), true);
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
            return new Outcome(text, result.isError());
        } catch (RuntimeException e) {
            Log.debugf("Tool %s failed: %s", request.name(), e.getMessage());
            String message =
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return new Outcome("Error: " + message, true);
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
