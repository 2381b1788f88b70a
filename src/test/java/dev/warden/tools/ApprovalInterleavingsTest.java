package dev.warden.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.Turn;
import dev.warden.journal.SessionStore;
import dev.warden.security.UserStore;
import dev.warden.testing.ProviderFakes;
import dev.warden.tools.approval.ApprovalGate;
import io.opentelemetry.context.Context;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The gate's one promise, over many random interleavings: a call the policy says "ask" for runs if and only if its
 * owner approved it (or a session-wide approval covered it) — never on a denial, a timeout, an intruder's approval, a
 * late or a duplicate decision, whatever the order of the decisions among parallel calls.
 */
@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class ApprovalInterleavingsTest {

    static final int SCENARIOS = 48;

    @Inject
    BuiltinToolStage stage;

    @Inject
    ApprovalGate gate;

    @Inject
    SessionStore sessions;

    @Inject
    UserStore users;

    enum Move {
        APPROVE,
        APPROVE_FOR_SESSION,
        DENY,
        INTRUDER_APPROVES,
        NOTHING
    }

    @Test
    void noCallThatAsksEverRunsWithoutItsOwnersApproval() throws Exception {
        String owner = users.create(
                        "owner-" + UUID.randomUUID().toString().substring(0, 8), dev.warden.security.User.Role.USER)
                .orElseThrow()
                .user()
                .id();
        String intruder = users.create(
                        "intruder-" + UUID.randomUUID().toString().substring(0, 8), dev.warden.security.User.Role.USER)
                .orElseThrow()
                .user()
                .id();
        Path workspace = Files.createTempDirectory("interleavings");
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int scenario = 0; scenario < SCENARIOS; scenario++) {
            long seed = 1000L + scenario;
            outcomes.add(pool.submit(() -> scenario(seed, owner, intruder, workspace)));
        }
        List<String> failures = new ArrayList<>();
        for (Future<String> outcome : outcomes) {
            String failure = outcome.get();
            if (failure != null) {
                failures.add(failure);
            }
        }
        pool.shutdown();
        assertThat(failures).isEmpty();
    }

    /** One random scenario; null when the promise held, else what went wrong. */
    private String scenario(long seed, String owner, String intruder, Path workspace) throws Exception {
        Random random = new Random(seed);
        String sessionId = sessions.create(owner).id();
        Turn turn = new Turn(UUID.randomUUID().toString(), sessionId, owner, "m", "", Context.root());
        int calls = 1 + random.nextInt(4);
        List<ToolExecutionRequest> requests = new ArrayList<>();
        Map<String, Move> moves = new ConcurrentHashMap<>();
        for (int i = 0; i < calls; i++) {
            String id = "c" + i;
            // Different directories, so one call's session-wide approval does not cover another's.
            requests.add(ToolExecutionRequest.builder()
                    .id(id)
                    .name("write_file")
                    .arguments("{\"path\":\"d" + seed + "x" + i + "/f.txt\",\"content\":\"" + i + "\"}")
                    .build());
            moves.put(id, Move.values()[random.nextInt(Move.values().length)]);
        }
        Set<String> ran = ConcurrentHashMap.newKeySet();
        BuiltinToolStage recording = stage.answeredBy(
                stage.approvals(),
                (t, request) -> {
                    ran.add(request.id());
                    return new BuiltinToolStage.Outcome("ran", false);
                },
                workspace);

        List<AgentEvent> events = new ArrayList<>();
        var done = new java.util.concurrent.CompletableFuture<Void>();
        recording
                .execute(turn, requests)
                .subscribe()
                .with(
                        event -> {
                            synchronized (events) {
                                events.add(event);
                            }
                            if (event instanceof AgentEvent.ApprovalRequired required) {
                                decideLater(
                                        required, moves.get(required.toolCallId()), owner, intruder, random.nextLong());
                            }
                        },
                        done::completeExceptionally,
                        () -> done.complete(null));
        done.get(30, java.util.concurrent.TimeUnit.SECONDS);

        for (ToolExecutionRequest request : requests) {
            Move move = moves.get(request.id());
            boolean approved = move == Move.APPROVE || move == Move.APPROVE_FOR_SESSION;
            if (ran.contains(request.id()) != approved) {
                return "seed " + seed + ": call " + request.id() + " with " + move + " ran="
                        + ran.contains(request.id());
            }
            long resolutions = events.stream()
                    .filter(e -> e instanceof AgentEvent.ApprovalResolved r
                            && r.toolCallId().equals(request.id()))
                    .count();
            long results = events.stream()
                    .filter(e -> e instanceof AgentEvent.ToolResult r
                            && r.toolCallId().equals(request.id()))
                    .count();
            if (resolutions != 1 || results != 1) {
                return "seed " + seed + ": call " + request.id() + " had " + resolutions + " resolutions and " + results
                        + " results";
            }
        }
        return null;
    }

    /** The move, after a random pause, sometimes twice, sometimes after the intruder tried first. */
    private void decideLater(
            AgentEvent.ApprovalRequired required, Move move, String owner, String intruder, long seed) {
        Random random = new Random(seed);
        Thread.ofVirtual().start(() -> {
            sleep(random.nextInt(300));
            if (random.nextBoolean()) {
                assertThat(gate.decide(required.approvalId(), intruder, true, "once", "test"))
                        .isEqualTo(ApprovalGate.Outcome.NOT_FOUND);
            }
            switch (move) {
                case APPROVE -> gate.decide(required.approvalId(), owner, true, "once", "test");
                case APPROVE_FOR_SESSION -> gate.decide(required.approvalId(), owner, true, "session", "test");
                case DENY -> gate.decide(required.approvalId(), owner, false, "once", "test");
                case INTRUDER_APPROVES -> gate.decide(required.approvalId(), intruder, true, "once", "test");
                case NOTHING -> {}
            }
            boolean ownerDecided = move == Move.APPROVE || move == Move.APPROVE_FOR_SESSION || move == Move.DENY;
            if (ownerDecided && random.nextBoolean()) {
                sleep(random.nextInt(50));
                // A second decision by the owner, either way, changes nothing: the first one stands.
                gate.decide(required.approvalId(), owner, random.nextBoolean(), "once", "test");
            }
        });
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(Duration.ofMillis(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
