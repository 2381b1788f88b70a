package dev.warden.chat;

import dev.warden.agent.Turn;
import dev.warden.agent.TurnRunner;
import dev.warden.config.WardenConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * SIGTERM, gracefully: readiness goes down (the load balancer stops sending new clients), new turns are refused with
 * {@code shutting_down}, running turns get up to {@code warden.shutdown.grace-period} to finish and are then cancelled,
 * and every connection is closed with 1012 (service restart), which clients take as "reconnect".
 */
@ApplicationScoped
@Readiness
public class GracefulShutdown implements HealthCheck {

    /** WebSocket close code 1012, "service restart": reconnect, another instance will answer. */
    static final int SERVICE_RESTART = 1012;

    private final TurnRunner turns;
    private final SessionHub hub;
    private final WardenConfig config;

    GracefulShutdown(TurnRunner turns, SessionHub hub, WardenConfig config) {
        this.turns = turns;
        this.hub = hub;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Accepting turns")
                .status(!turns.draining())
                .build();
    }

    /**
     * Runs in Quarkus's pre-shutdown phase ({@code quarkus.shutdown.delay-enabled}), while the HTTP server and the
     * WebSockets still work: the turns can finish and their clients see them finish.
     */
    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        turns.drain();
        Duration grace = config.shutdown().gracePeriod();
        Instant deadline = Instant.now().plus(grace);
        int running = turns.runningTurnIds().size();
        if (running > 0) {
            Log.infof("Shutting down: waiting up to %s for %d running turn(s)", grace, running);
        }
        while (!turns.runningTurnIds().isEmpty() && Instant.now().isBefore(deadline)) {
            sleep(100);
        }
        List<Turn> left = turns.runningTurns();
        for (Turn turn : left) {
            turns.cancel(turn.sessionId(), turn.id());
        }
        for (Turn turn : left) {
            try {
                turn.whenClosed().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                Log.warnf("Turn %s did not close in time; the next start will interrupt it", turn.id());
            }
        }
        if (!left.isEmpty()) {
            Log.warnf("Shutting down: cancelled %d turn(s) still running after %s", left.size(), grace);
        }
        hub.closeEverything(SERVICE_RESTART, "server shutting down; reconnect");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
