package dev.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.agent.AgentEvent;
import dev.warden.chat.SessionHub;
import dev.warden.journal.EventJournal;
import dev.warden.journal.JournalEntry;
import dev.warden.journal.SessionStore;
import dev.warden.security.UserStore;
import dev.warden.testing.ProviderFakes;
import dev.warden.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Journal figures, printed (not asserted against targets): append latency under a sustained 2,000 events/s, and the
 * rate at which a resume delivers a 10,000-event session. Run with
 * {@code ./mvnw test -Dtest=JournalBenchmark -Dsurefire.excludedGroups=none}.
 */
@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
@Tag("benchmark")
class JournalBenchmark {

    @TestHTTPResource("/")
    URI base;

    @Inject
    EventJournal journal;

    @Inject
    SessionHub hub;

    @Inject
    SessionStore sessions;

    @Inject
    UserStore users;

    @Test
    void appendAtTwoThousandEventsPerSecond() {
        String sessionId =
                sessions.create(users.findByName("admin").orElseThrow().id()).id();
        int seconds = 10;
        int rate = 2_000;
        int total = seconds * rate;
        long[] latencies = new long[total];
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        // One event per transaction, paced: the journal's own cost, without the hub's batching.
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            long before = System.nanoTime();
            journal.append(List.of(new JournalEntry(
                    sessionId, i + 1, 0, "token", "t", "trace", Instant.now(), "{\"text\":\"token " + i + "\"}")));
            latencies[i] = System.nanoTime() - before;
        }
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        report("journal append, one event per commit", latencies, achieved);

        // Through the hub (the live path): publish → committed (batched per drain) → delivered to a live socket.
        try (WsClient ws = WsClient.connect(base, dev.warden.testing.Users.ADMIN_TOKEN, "")) {
            String live = ws.await("session_ready").path("sessionId").asText();
            long[] delivered = new long[total];
            long hubStart = System.nanoTime();
            Thread producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < total; i++) {
                    long due = hubStart + i * interval;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now);
                    }
                    hub.publish(live, "t", "trace", new AgentEvent.Token(Long.toString(System.nanoTime())));
                }
            });
            for (int i = 0; i < total; i++) {
                JsonNode token = ws.next();
                delivered[i] =
                        System.nanoTime() - Long.parseLong(token.path("text").asText());
            }
            producer.join();
            report("hub publish -> journaled -> delivered", delivered, total / ((System.nanoTime() - hubStart) / 1e9));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void resumeOfATenThousandEventSession() {
        String userId = users.findByName("admin").orElseThrow().id();
        String sessionId = sessions.create(userId).id();
        int total = 10_000;
        List<JournalEntry> batch = new ArrayList<>();
        for (int i = 1; i <= total; i++) {
            batch.add(new JournalEntry(
                    sessionId,
                    i,
                    0,
                    "token",
                    "t",
                    "0af7651916cd43dd8448eb211c80319c",
                    Instant.now(),
                    "{\"text\":\"token number " + i + " of a long answer\"}"));
            if (batch.size() == 1000) {
                journal.append(batch);
                batch = new ArrayList<>();
            }
        }
        for (int round = 0; round < 5; round++) {
            // A bare client that only counts frames, so the figure is the server's delivery rate, not JSON parsing.
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(total);
            String[] lastFrame = new String[1];
            var socket = java.net.http.HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .header("Authorization", "Bearer " + dev.warden.testing.Users.ADMIN_TOKEN)
                    .buildAsync(
                            WsClient.chatUri(base, "sessionId=" + sessionId), new java.net.http.WebSocket.Listener() {
                                final StringBuilder partial = new StringBuilder();

                                @Override
                                public java.util.concurrent.CompletionStage<?> onText(
                                        java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
                                    partial.append(data);
                                    if (last) {
                                        if (ready.getCount() > 0) {
                                            ready.countDown();
                                        } else {
                                            lastFrame[0] = partial.toString();
                                            all.countDown();
                                        }
                                        partial.setLength(0);
                                    }
                                    webSocket.request(1);
                                    return null;
                                }
                            })
                    .join();
            try {
                ready.await();
                long start = System.nanoTime();
                socket.sendText("{\"type\":\"resume\",\"id\":\"r\",\"lastSeq\":0}", true)
                        .join();
                assertThat(all.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(lastFrame[0]).contains("\"seq\":" + total + ",");
                System.out.printf(
                        "BENCH resume of %d events, round %d: %.0f ms, %.0f events/s%n",
                        total, round + 1, seconds * 1000, total / seconds);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                socket.abort();
            }
        }
    }

    private static void report(String what, long[] nanos, double rate) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "BENCH %s: %d events at %.0f/s; p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
                what,
                sorted.length,
                rate,
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[(int) (sorted.length * 0.999)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }
}
