package dev.warden.firewall;

import dev.warden.memory.MemoryScreen;
import dev.warden.observability.WardenMetrics;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The firewall in front of long-term memory: a piece of an exchange the firewall would block as a recalled memory is
 * never remembered, so an instruction injected into one conversation cannot come back in a later one. (Recalled
 * memories are screened again before they join a model request: the rules may have changed since.) Runs on the memory
 * indexer's thread and reuses the piece's embedding.
 */
@ApplicationScoped
public class FirewallMemoryScreen implements MemoryScreen {

    private final FirewallScanner scanner;
    private final WardenMetrics metrics;

    FirewallMemoryScreen(FirewallScanner scanner, WardenMetrics metrics) {
        this.scanner = scanner;
        this.metrics = metrics;
    }

    @Override
    public Optional<String> admit(Candidate candidate) {
        long started = System.nanoTime();
        Verdict verdict = scanner.scan(candidate.text(), Source.MEMORY, candidate.vector());
        String action = verdict.action().name().toLowerCase(Locale.ROOT);
        metrics.firewallVerdict(action, "memory", Duration.ofNanos(System.nanoTime() - started));
        if (verdict.action() == Verdict.Action.BLOCK) {
            Log.infof(
                    "The firewall kept a piece of turn %s out of long-term memory (score %.3f, signals %s)",
                    candidate.turnId(),
                    verdict.score(),
                    verdict.signals().stream().map(Signal::id).toList());
            return Optional.empty();
        }
        return Optional.of(candidate.text());
    }
}
