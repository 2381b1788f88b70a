package dev.warden.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every metric Warden records, in one place (Prometheus at {@code /q/metrics}). Names follow the OpenTelemetry GenAI
 * conventions where they define one ({@code gen_ai.client.token.usage}, {@code gen_ai.client.operation.duration});
 * Warden's own are under {@code warden.}. See docs/observability.md for the list.
 */
@ApplicationScoped
public class WardenMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger activeTurns = new AtomicInteger();

    WardenMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("warden.turns.active", Tags.empty(), activeTurns);
    }

    /** Registers a gauge read from {@code value} (e.g. open WebSocket connections). */
    public void gauge(String name, String description, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value)
                .description(description)
                .register(registry);
    }

    public void turnStarted() {
        activeTurns.incrementAndGet();
    }

    public void turnEnded(String outcome, Duration duration) {
        activeTurns.decrementAndGet();
        Counter.builder("warden.turns")
                .description("Turns, by outcome")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        Timer.builder("warden.turn.duration")
                .description("How long turns take, by outcome")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(duration);
    }

    public void timeToFirstToken(String provider, String model, Duration elapsed) {
        Timer.builder("warden.turn.time_to_first_token")
                .description("From the model request to its first token")
                .tags("gen_ai.provider.name", provider, "gen_ai.request.model", model)
                .publishPercentileHistogram()
                .register(registry)
                .record(elapsed);
    }

    /** One model call: its duration and tokens, as the GenAI conventions name them. */
    public void modelCall(
            String provider, String model, Duration elapsed, Integer inputTokens, Integer outputTokens, String error) {
        Timer.builder("gen_ai.client.operation.duration")
                .description("GenAI operation duration")
                .tags(
                        "gen_ai.operation.name",
                        "chat",
                        "gen_ai.provider.name",
                        provider,
                        "gen_ai.request.model",
                        model,
                        "error.type",
                        error == null ? "none" : error)
                .publishPercentileHistogram()
                .register(registry)
                .record(elapsed);
        tokens(provider, model, "input", inputTokens);
        tokens(provider, model, "output", outputTokens);
    }

    private void tokens(String provider, String model, String type, Integer count) {
        if (count == null) {
            return;
        }
        DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens used per model call")
                // No base unit: Prometheus would append it to the name; the convention's unit is {token}.
                .tags(
                        "gen_ai.operation.name",
                        "chat",
                        "gen_ai.provider.name",
                        provider,
                        "gen_ai.request.model",
                        model,
                        "gen_ai.token.type",
                        type)
                .register(registry)
                .record(count);
    }

    public void toolCall(String tool, String outcome, Duration elapsed) {
        Timer.builder("warden.tool.calls")
                .description("Tool calls and their duration, by tool and outcome")
                .tags("gen_ai.tool.name", tool, "outcome", outcome)
                .register(registry)
                .record(elapsed);
    }

    public void approval(String decision, String by, Duration waited) {
        Counter.builder("warden.approvals")
                .description("Approvals, by decision and who decided")
                .tags("decision", decision, "by", by)
                .register(registry)
                .increment();
        Timer.builder("warden.approval.wait")
                .description("How long an approval waited for its decision")
                .tags("decision", decision, "by", by)
                .publishPercentileHistogram()
                .register(registry)
                .record(waited);
    }

    public void firewallVerdict(String action, String source, Duration scan) {
        Counter.builder("warden.firewall.verdicts")
                .description("Firewall verdicts, by action and source")
                .tags("action", action, "source", source)
                .register(registry)
                .increment();
        Timer.builder("warden.firewall.scan")
                .description("Firewall scan time, by source")
                .tag("source", source)
                .publishPercentileHistogram()
                .register(registry)
                .record(scan);
    }

    public void memoryRecall(String store, String outcome, Duration elapsed) {
        Timer.builder("warden.memory.recall")
                .description("Long-term memory recall time")
                .tags("store", store, "outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(elapsed);
    }
}
