package dev.warden.memory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.warden.db.Db;
import dev.warden.embedding.TextEmbedder;
import dev.warden.testing.ChromaServer;
import dev.warden.testing.Memories;
import dev.warden.testing.ProviderFakes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The service on {@code warden.memory.store=chroma} against a real Chroma server, including the server going down: the
 * turn gets a recall error instead of memories, writes wait in the outbox, and everything arrives once it is back.
 */
@QuarkusTest
@TestProfile(ChromaLongTermMemoryTest.OnChroma.class)
@QuarkusTestResource(ProviderFakes.class)
class ChromaLongTermMemoryTest {

    /** The one extra profile for Chroma: the store, the test server, and short retry delays. */
    public static class OnChroma implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "warden.memory.chroma.collection", "service-" + UUID.randomUUID(),
                    "warden.memory.remember.max-retry-delay", "1s",
                    "warden.memory.chroma.timeout", "2s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ChromaServer.class));
        }
    }

    @Inject
    LongTermMemory memory;

    @Inject
    MemoryRepository repository;

    @Inject
    TextEmbedder embedder;

    @Inject
    Db db;

    static Exchange exchange(String user, String said, String answered) {
        return new Exchange(
                user, UUID.randomUUID().toString(), UUID.randomUUID().toString(), Instant.now(), said, answered);
    }

    MemoryRecall recall(String user, String query) {
        return memory.recall(user, query, embedder.embed(query)).await().atMost(Duration.ofSeconds(30));
    }

    void awaitIndexed() {
        await().atMost(Duration.ofSeconds(60)).until(() -> repository.pending() == 0);
    }

    @Test
    void remembersAndRecallsThroughChroma() {
        assertThat(memory.storeKind()).isEqualTo("chroma");
        String ada = Memories.newUser().id();
        String ben = Memories.newUser().id();
        memory.rememberNow(exchange(ada, "My sister Nora lives in Porto and teaches chemistry.", "Nice!"));
        awaitIndexed();

        MemoryRecall recall = recall(ada, "Where does my sister live?");

        assertThat(recall.failed()).isFalse();
        assertThat(recall.items())
                .first()
                .satisfies(item -> assertThat(item.text()).contains("Porto"));
        assertThat(recall(ben, "Where does my sister live?").items()).isEmpty();
    }

    @Test
    void whileChromaIsDownRecallSaysSoAndNothingIsLost() {
        Assumptions.assumeTrue(ChromaServer.managed(), "the tests cannot stop an external Chroma server");
        Memories.TestUser user = Memories.newUser();
        String kept = memory.rememberNow(exchange(user.id(), "I parked the van on level 3 of the Zuid garage.", "OK."))
                .getFirst();
        awaitIndexed();
        String forgotten;
        ChromaServer.stopServer();
        try {
            MemoryRecall down = recall(user.id(), "Where did I park the van?");
            assertThat(down.failed()).isTrue();
            assertThat(down.error()).isEqualTo(MemoryRecall.UNAVAILABLE);
            assertThat(down.items()).isEmpty();
            given().auth()
                    .oauth2(user.token())
                    .queryParam("query", "van")
                    .get("/api/memories")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("code", equalTo("memory_unavailable"));

            // Written while the store is down: safe in the database, waiting in the outbox.
            forgotten = memory.rememberNow(
                            exchange(user.id(), "My van's spare key is in the glovebox of the Zuid van.", "OK."))
                    .getFirst();
            String later = memory.rememberNow(exchange(user.id(), "The van needs new tyres before winter.", "Noted."))
                    .getFirst();
            assertThat(later).isNotBlank();
            assertThat(memory.forget(user.id(), forgotten)).isTrue();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> db.queryOne(
                                            "SELECT COUNT(*) FROM memory_outbox WHERE attempts > 0 AND last_error IS NOT NULL",
                                            rs -> rs.getInt(1))
                                    .orElse(0)
                            > 0);
            assertThat(repository.pending()).isPositive();
        } finally {
            ChromaServer.startServer();
        }

        awaitIndexed();
        MemoryRecall back = recall(user.id(), "What does my van need before winter?");
        assertThat(back.failed()).isFalse();
        assertThat(back.items()).extracting(RecalledMemory::text).anyMatch(text -> text.contains("tyres"));
        assertThat(recall(user.id(), "Where is the van's spare key?").items())
                .extracting(RecalledMemory::id)
                .doesNotContain(forgotten)
                .contains(kept);
    }
}
