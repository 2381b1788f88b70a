package dev.warden.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.ToolStage;
import dev.warden.agent.Turn;
import dev.warden.observability.GenAi;
import dev.warden.observability.WardenMetrics;
import dev.warden.tools.ToolPlanner.Plan;
import dev.warden.tools.approval.Approval;
import dev.warden.tools.approval.ApprovalGate;
import dev.warden.tools.policy.Decision;
import dev.warden.tools.sandbox.SandboxRunner;
import dev.warden.tools.sandbox.WorkspacePaths;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The tool stage: every call of a model answer is planned first (arguments, workspace path, the operator's policy);
 * the client sees each {@code tool_call} and, for calls that need a person, {@code approval_required}, all at once (they
 * may be decided in any order); then the calls settle one by one, in order: denied, or — once allowed or approved, and
 * only if the approval still matches the exact call — run on a worker thread. A failing, refused or unknown tool becomes
 * an error result the model reads; it never fails the turn.
 */
@ApplicationScoped
public class BuiltinToolStage implements ToolStage {

    private final ToolRegistry registry;
    private final ToolPlanner planner;
    private final Workspaces workspaces;
    private final ObjectMapper mapper;
    private final Approvals approvals;
    private final Executor executor;
    private final ToolsConfig config;
    private final WardenMetrics metrics;
    private final Tracer tracer;
    private final SandboxRunner sandbox;
    private final java.util.function.Function<Turn, java.nio.file.Path> workspaceOf;

    @Inject
    BuiltinToolStage(
            ToolRegistry registry,
            ToolPlanner planner,
            Workspaces workspaces,
            ObjectMapper mapper,
            ApprovalGate gate,
            ToolsConfig config,
            WardenMetrics metrics,
            Tracer tracer,
            SandboxRunner sandbox) {
        this(
                registry,
                planner,
                workspaces,
                mapper,
                new LiveApprovals(gate),
                null,
                config,
                metrics,
                tracer,
                sandbox,
                null);
    }

    private BuiltinToolStage(
            ToolRegistry registry,
            ToolPlanner planner,
            Workspaces workspaces,
            ObjectMapper mapper,
            Approvals approvals,
            Executor executor,
            ToolsConfig config,
            WardenMetrics metrics,
            Tracer tracer,
            SandboxRunner sandbox,
            java.util.function.Function<Turn, java.nio.file.Path> workspaceOf) {
        this.registry = registry;
        this.planner = planner;
        this.workspaces = workspaces;
        this.mapper = mapper;
        this.approvals = approvals;
        this.executor = executor != null ? executor : this::execute;
        this.config = config;
        this.metrics = metrics;
        this.tracer = tracer;
        this.sandbox = sandbox;
        this.workspaceOf =
                workspaceOf != null ? workspaceOf : turn -> workspaces.ensure(turn.userId(), turn.sessionId());
    }

    /** What running one tool call produced: the text the model reads, and whether it is an error. */
    public record Outcome(String text, boolean error) {}

    /** Runs one tool call. The live stage runs the registered tool; a replay answers from the recording. */
    @FunctionalInterface
    public interface Executor {
        Outcome run(Turn turn, ToolExecutionRequest request);
    }

    /** Where calls that need a person wait. Live: the {@link ApprovalGate}; a replay: the recorded decisions. */
    public interface Approvals {
        /** The session's "approve for this session" grants. Blocking. */
        List<String> grants(Turn turn);

        /** Makes the approval decidable before anyone is told of it. Blocking. */
        void register(Approval approval);

        Uni<ApprovalGate.Resolution> await(Approval approval);
    }

    /**
     * This stage with approvals and tool runs answered by the given ones, and paths resolved in {@code workspace}
     * (replay: a throw-away directory, since nothing runs).
     */
    public BuiltinToolStage answeredBy(Approvals approvals, Executor executor, java.nio.file.Path workspace) {
        return new BuiltinToolStage(
                registry,
                planner,
                workspaces,
                mapper,
                approvals,
                executor,
                config,
                metrics,
                tracer,
                sandbox,
                turn -> workspace);
    }

    /** The approvals this stage waits on (tests combine them with another executor). */
    Approvals approvals() {
        return approvals;
    }

    @Override
    public List<ToolSpecification> specifications(Turn turn) {
        return registry.specifications();
    }

    @Override
    public Multi<AgentEvent> execute(Turn turn, List<ToolExecutionRequest> requests) {
        return Uni.createFrom()
                .item(() -> plan(turn, requests))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem()
                .transformToMulti(planned -> Multi.createBy()
                        .concatenating()
                        .streams(
                                Multi.createFrom().iterable(announce(planned)),
                                Multi.createFrom()
                                        .iterable(planned)
                                        .onItem()
                                        .transformToMultiAndConcatenate(step -> settle(turn, step))));
    }

    /** A planned call, with its approval when it needs one. */
    private record Planned(Plan plan, Approval approval) {}

    private List<Planned> plan(Turn turn, List<ToolExecutionRequest> requests) {
        WorkspacePaths workspace = new WorkspacePaths(workspaceOf.apply(turn));
        List<String> grants = approvals.grants(turn);
        List<Planned> planned = new ArrayList<>();
        for (ToolExecutionRequest request : requests) {
            Plan plan = registry.find(request.name()).isPresent()
                    ? planner.plan(turn, request, workspace, grants)
                    : planner.unknown(request);
            Approval approval = null;
            if (plan.asks()) {
                Instant now = Instant.now();
                approval = new Approval(
                        ApprovalGate.idFor(turn.id(), request.id()),
                        turn.sessionId(),
                        turn.userId(),
                        turn.id(),
                        request.id(),
                        request.name(),
                        plan.arguments().toString(),
                        plan.digest(),
                        plan.call().risk().name().toLowerCase(java.util.Locale.ROOT),
                        previewWithSessionScope(plan).toString(),
                        plan.grantKey(),
                        Approval.Status.PENDING,
                        now,
                        now.plus(config.approvalTimeout()));
                approvals.register(approval);
            }
            planned.add(new Planned(plan, approval));
        }
        return planned;
    }

    private JsonNode previewWithSessionScope(Plan plan) {
        com.fasterxml.jackson.databind.node.ObjectNode preview = plan.preview().deepCopy();
        preview.put("reason", plan.decision().reason());
        String scope = ToolPlanner.display(plan.grantKey());
        if (scope != null) {
            preview.put("sessionScope", scope);
        }
        return preview;
    }

    private List<AgentEvent> announce(List<Planned> planned) {
        List<AgentEvent> events = new ArrayList<>();
        for (Planned step : planned) {
            ToolExecutionRequest request = step.plan().request();
            events.add(new AgentEvent.ToolCall(
                    request.id(), request.name(), step.plan().arguments()));
            if (step.approval() != null) {
                events.add(new AgentEvent.ApprovalRequired(
                        step.approval().id(),
                        request.id(),
                        request.name(),
                        step.plan().arguments(),
                        step.approval().risk(),
                        tree(step.approval().preview()),
                        step.approval().expiresAt().toString()));
            }
        }
        return events;
    }

    private Multi<AgentEvent> settle(Turn turn, Planned step) {
        Plan plan = step.plan();
        ToolExecutionRequest request = plan.request();
        if (plan.refusal() != null) {
            return result(request, new Outcome(plan.refusal(), true), 0, "refused");
        }
        if (plan.decision().decision() == Decision.DENY) {
            return result(
                    request,
                    new Outcome(
                            "Denied by this server's policy: " + plan.decision().reason(), true),
                    0,
                    "denied");
        }
        if (step.approval() == null) {
            return run(turn, request);
        }
        Span span = tracer.spanBuilder("warden.approval")
                .setParent(turn.traceContext())
                .setAttribute(GenAi.TOOL_NAME, request.name())
                .setAttribute(GenAi.TOOL_CALL_ID, request.id())
                .setAttribute("warden.approval.id", step.approval().id())
                .startSpan();
        Instant asked = step.approval().requestedAt();
        return approvals.await(step.approval()).onItem().transformToMulti(resolution -> {
            Duration waited = Duration.between(asked, Instant.now());
            String decision = resolution.approved() ? "approve" : "deny";
            span.setAttribute("warden.approval.decision", decision);
            span.setAttribute("warden.approval.by", resolution.by());
            span.setAttribute("warden.approval.wait_ms", waited.toMillis());
            span.end();
            metrics.approval(decision, resolution.by(), waited);
            Multi<AgentEvent> resolved = Multi.createFrom().item(resolution.event(step.approval()));
            Multi<AgentEvent> after;
            if (!resolution.approved()) {
                String why = switch (resolution.by()) {
                    case ApprovalGate.BY_TIMEOUT -> "No one approved this call in time; it was not run.";
                    case ApprovalGate.BY_CANCEL -> "The turn ended before this call was approved; it was not run.";
                    default -> "The user denied this call; it was not run.";
                };
                after = result(request, new Outcome(why, true), 0, "denied");
            } else if (!plan.digest().equals(planner.digest(request.name(), planner.arguments(request)))
                    || !plan.digest().equals(resolution.digest())) {
                // The approval is bound to the exact call: the digest stored with it must be this call's.
                after = result(
                        request, new Outcome("Refused: the approved call and this call differ.", true), 0, "refused");
            } else {
                after = run(turn, request);
            }
            return Multi.createBy().concatenating().streams(resolved, after);
        });
    }

    private Multi<AgentEvent> run(Turn turn, ToolExecutionRequest request) {
        return Uni.createFrom()
                .item(() -> {
                    Span span = tracer.spanBuilder("execute_tool " + request.name())
                            .setParent(turn.traceContext())
                            .setSpanKind(SpanKind.INTERNAL)
                            .setAttribute(GenAi.OPERATION_NAME, "execute_tool")
                            .setAttribute(GenAi.TOOL_NAME, request.name())
                            .setAttribute(GenAi.TOOL_CALL_ID, request.id())
                            .setAttribute(GenAi.TOOL_TYPE, "function")
                            .startSpan();
                    long started = System.nanoTime();
                    Outcome outcome;
                    try (Scope ignored = turn.traceContext().with(span).makeCurrent()) {
                        WorkspacePaths workspace = new WorkspacePaths(workspaceOf.apply(turn));
                        outcome = ToolContext.with(new ToolContext(turn, workspace), () -> executor.run(turn, request));
                    }
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    span.setAttribute(GenAi.OUTCOME, outcome.error() ? "error" : "ok");
                    if (request.name().equals("run_shell")) {
                        span.setAttribute("warden.sandboxed", sandbox.status().sandboxed());
                    }
                    if (outcome.error()) {
                        span.setStatus(StatusCode.ERROR);
                    }
                    span.end();
                    return new Timed(outcome, millis);
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem()
                .transformToMulti(timed -> result(
                        request,
                        timed.outcome(),
                        timed.millis(),
                        timed.outcome().error() ? "error" : "ok"));
    }

    private record Timed(Outcome outcome, long millis) {}

    /** The raw invocation for the journal, then the result the client and the model see. */
    private Multi<AgentEvent> result(ToolExecutionRequest request, Outcome outcome, long millis, String metricOutcome) {
        metrics.toolCall(request.name(), metricOutcome, Duration.ofMillis(millis));
        AgentEvent.ToolInvocation invocation = new AgentEvent.ToolInvocation(
                request.id(), request.name(), request.arguments(), outcome.text(), outcome.error(), millis);
        return Multi.createFrom()
                .items(
                        invocation,
                        new AgentEvent.ToolResult(request.id(), request.name(), outcome.text(), outcome.error()));
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

    private JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }

    /** The live approvals: the gate, and the grants stored for the session. */
    private record LiveApprovals(ApprovalGate gate) implements Approvals {
        @Override
        public List<String> grants(Turn turn) {
            return gate.grants(turn.sessionId());
        }

        @Override
        public void register(Approval approval) {
            gate.register(approval);
        }

        @Override
        public Uni<ApprovalGate.Resolution> await(Approval approval) {
            return gate.await(approval);
        }
    }
}
