package dev.warden.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.db.Db;
import dev.warden.embedding.TextEmbedder;
import dev.warden.testing.Memories;
import dev.warden.testing.ProviderFakes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The service as the application wires it: the embedded store under the test data directory, the real embedder. */
@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class LongTermMemoryTest {

    @Inject
    LongTermMemory memory;

    @Inject
    MemoryStores stores;

    @Inject
    MemoryRepository repository;

    @Inject
    MemoryConfig config;

    @Inject
    TextEmbedder embedder;

    @Inject
    Db db;

    @Inject
    MemoryIndexer indexer;

    static Exchange exchange(String user, String said, String answered) {
        return new Exchange(
                user, UUID.randomUUID().toString(), UUID.randomUUID().toString(), Instant.now(), said, answered);
    }

    MemoryRecall recall(String user, String query) {
        return memory.recall(user, query, embedder.embed(query)).await().atMost(Duration.ofSeconds(30));
    }

    /** Waits until the outbox is drained: everything remembered so far is in the index. */
    void awaitIndexed() {
        await().atMost(Duration.ofSeconds(60)).until(() -> repository.pending() == 0);
    }

    @Test
    void aRememberedExchangeIsRecalledInALaterSession() {
        String user = Memories.newUser().id();
        Exchange told = exchange(
                user,
                "My daughter Lea starts primary school in Ghent next September.",
                "That is a big step! I will remember that Lea starts school in September.");
        List<String> ids = memory.remember(told).await().atMost(Duration.ofSeconds(10));
        awaitIndexed();

        MemoryRecall recall = recall(user, "When does my daughter start school?");

        assertThat(recall.failed()).isFalse();
        assertThat(recall.items()).isNotEmpty();
        RecalledMemory first = recall.items().getFirst();
        assertThat(first.id()).isEqualTo(ids.getFirst());
        assertThat(first.text()).isEqualTo("User: " + told.userText() + "\nAssistant: " + told.answer());
        assertThat(first.sessionId()).isEqualTo(told.sessionId());
        assertThat(first.at()).isEqualTo(told.at());
        assertThat(first.score()).isBetween(config.recall().minScore(), 1.0);
        assertThat(recall.asContext()).contains("Recalled memory").contains("Lea starts primary school");
    }

    @Test
    void rememberIsDurableWhenItCompletes() {
        String user = Memories.newUser().id();
        List<String> ids = memory.rememberNow(exchange(user, "I keep my passport in the blue folder.", "Noted."));

        // In the database at once, before any indexing: a crash now loses nothing.
        assertThat(memory.newest(user, 10)).extracting(StoredMemory::id).containsExactlyElementsOf(ids);
    }

    @Test
    void recallNeverReturnsAnotherUsersMemories() {
        String ada = Memories.newUser().id();
        String ben = Memories.newUser().id();
        memory.rememberNow(exchange(ada, "My bicycle lock code is 7312.", "Got it."));
        awaitIndexed();

        assertThat(recall(ada, "What is my bicycle lock code?").items()).hasSize(1);
        MemoryRecall bens = recall(ben, "What is my bicycle lock code?");
        assertThat(bens.failed()).isFalse();
        assertThat(bens.items()).isEmpty();
    }

    @Test
    void emptyExchangesAreNotRemembered() {
        String user = Memories.newUser().id();

        assertThat(memory.rememberNow(exchange(user, "", ""))).isEmpty();
        assertThat(memory.rememberNow(exchange(user, "  \n\t ", null))).isEmpty();
        assertThat(memory.newest(user, 10)).isEmpty();
        List<String> answerOnly = memory.rememberNow(exchange(user, "", "The meeting was moved to Friday."));
        assertThat(memory.newest(user, 10))
                .extracting(StoredMemory::text)
                .containsExactly("Assistant: The meeting was moved to Friday.");
        assertThat(answerOnly).hasSize(1);
    }

    @Test
    void aHugeTextIsCutIntoPiecesAndItsMiddleCanBeRecalled() {
        String user = Memories.newUser().id();
        StringBuilder huge = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            huge.append("Paragraph ")
                    .append(i)
                    .append(" of my notes about the renovation: the kitchen tiles and the")
                    .append(" paint for the hallway were discussed with the builder at length.\n\n");
            if (i == 30) {
                huge.append("The plumber Marek Nowak charges 85 euros per hour and comes on Thursdays.\n\n");
            }
        }
        List<String> ids = memory.rememberNow(exchange(user, huge.toString(), "Thanks for the notes."));
        awaitIndexed();

        assertThat(ids).hasSizeGreaterThan(5);
        List<StoredMemory> pieces = memory.newest(user, 100);
        assertThat(pieces).hasSize(ids.size());
        assertThat(pieces)
                .allSatisfy(p -> assertThat(p.text().length())
                        .isLessThanOrEqualTo(config.remember().chunkChars()));
        assertThat(pieces)
                .extracting(StoredMemory::part)
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.IntStream.range(0, ids.size()).boxed().toList());
        assertThat(recall(user, "How much does the plumber Marek charge per hour?")
                        .items())
                .first()
                .satisfies(item -> assertThat(item.text()).contains("85 euros per hour"));
    }

    @Test
    void memoriesInOtherScriptsAreRecalled() {
        String user = Memories.newUser().id();
        memory.rememberNow(exchange(user, "Моя собака Бублик боится грозы.", "Понятно."));
        memory.rememberNow(exchange(user, "我的生日是十月三日。", "好的，我记住了。"));
        memory.rememberNow(exchange(user, "I am learning to play the bagpipes.", "Fun!"));
        awaitIndexed();

        assertThat(recall(user, "Как зовут мою собаку Бублик?").items())
                .first()
                .satisfies(item -> assertThat(item.text()).contains("Бублик"));
        assertThat(recall(user, "我的生日是哪天？").items())
                .first()
                .satisfies(item -> assertThat(item.text()).contains("十月三日"));
    }

    @Test
    void aForgottenMemoryIsNeverRecalledEvenBeforeTheIndexCatchesUp() {
        String user = Memories.newUser().id();
        String id = memory.rememberNow(exchange(user, "My gym locker is number 117.", "OK."))
                .getFirst();
        awaitIndexed();
        assertThat(recall(user, "Which gym locker is mine?").items())
                .extracting(RecalledMemory::id)
                .contains(id);

        // Forget and ask at once: the index may still have it, the database does not.
        assertThat(memory.forget(user, id)).isTrue();
        assertThat(recall(user, "Which gym locker is mine?").items()).isEmpty();
        awaitIndexed();
        assertThat(stores.get().search(MemoryQuery.hybrid(user, "gym locker", embedder.embed("gym locker"), 4, 0)))
                .isEmpty();
        assertThat(memory.forget(user, id)).isFalse();
    }

    @Test
    void forgettingEverythingLeavesOtherUsersAlone() {
        String ada = Memories.newUser().id();
        String ben = Memories.newUser().id();
        memory.rememberNow(exchange(ada, "I love hiking in the Dolomites.", "Lovely."));
        memory.rememberNow(exchange(ada, "My favourite hut is the Rifugio Lagazuoi.", "Noted."));
        memory.rememberNow(exchange(ben, "I love hiking in the Dolomites too.", "Great."));
        awaitIndexed();

        assertThat(memory.forgetAll(ada)).isEqualTo(2);

        assertThat(recall(ada, "Where do I like hiking?").items()).isEmpty();
        awaitIndexed();
        assertThat(stores.get().search(MemoryQuery.hybrid(ada, "hiking", embedder.embed("hiking"), 4, 0)))
                .isEmpty();
        assertThat(recall(ben, "Where do I like hiking?").items()).hasSize(1);
    }

    @Test
    void theScreenDecidesWhatIsKept() {
        String user = Memories.newUser().id();
        memory.rememberNow(
                exchange(user, "From now on always reply in pirate speak " + MarkerScreen.REFUSE, "Arr, as you wish."));
        memory.rememberNow(exchange(user, "My tax number is " + MarkerScreen.REDACT + " and I file in April.", "OK."));
        awaitIndexed();

        assertThat(memory.newest(user, 10))
                .extracting(StoredMemory::text)
                .containsExactly("User: My tax number is [removed] and I file in April.\nAssistant: OK.");
        assertThat(recall(user, "When do I file my taxes?").items())
                .extracting(RecalledMemory::text)
                .noneMatch(text -> text.contains("[[screen"));
    }

    @Test
    void recallEmbedsTheQueryWhenNoVectorIsGiven() {
        String user = Memories.newUser().id();
        memory.rememberNow(exchange(user, "Our wedding anniversary is on the 14th of June.", "How romantic."));
        awaitIndexed();

        MemoryRecall recall = memory.recall(user, "When is our wedding anniversary?", null)
                .await()
                .atMost(Duration.ofSeconds(30));

        assertThat(recall.items()).hasSize(1);
    }

    @Test
    void aLostIndexIsRebuiltFromTheDatabase() throws IOException {
        String user = Memories.newUser().id();
        memory.rememberNow(exchange(user, "The boat is moored at pier 9 in Kiel.", "Noted."));
        awaitIndexed();
        Path index = stores.indexPath();

        synchronized (stores) {
            stores.close();
            deleteRecursively(index);
        }
        stores.get();
        awaitIndexed();

        assertThat(recall(user, "Where is the boat moored?").items())
                .first()
                .satisfies(item -> assertThat(item.text()).contains("pier 9"));
    }

    @Test
    void aCorruptIndexIsMovedAsideAndRebuiltFromTheDatabase() throws IOException {
        String user = Memories.newUser().id();
        memory.rememberNow(exchange(user, "My cat Miso eats salmon on Sundays.", "Cute."));
        awaitIndexed();
        Path index = stores.indexPath();

        synchronized (stores) {
            stores.close();
            try (Stream<Path> files = Files.list(index)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("segments"))
                        .toList()) {
                    Files.write(file, new byte[] {1, 2, 3, 4});
                }
            }
        }
        MemoryStore reopened = stores.get();
        awaitIndexed();

        assertThat(((EmbeddedMemoryStore) reopened).movedAside()).isDirectory();
        assertThat(recall(user, "What does my cat eat?").items())
                .first()
                .satisfies(item -> assertThat(item.text()).contains("Miso"));
    }

    @Test
    void aVectorOfAnotherEmbeddingModelIsComputedAgainWithoutScreeningTheMemoryAgain() {
        String user = Memories.newUser().id();
        memory.rememberNow(exchange(user, "The spare key hangs behind the fuse box.", "Good to know."));
        awaitIndexed();
        StoredMemory stored = memory.newest(user, 1).getFirst();
        // As a memory stored before the model changed: another model's vector, in the database and in the index, and
        // a text today's screen would refuse (it passed the screen of its day).
        String text = stored.text() + " " + MarkerScreen.REFUSE;
        float[] old = new float[TextEmbedder.DIMENSION];
        old[7] = 1;
        db.update(
                "UPDATE memories SET text = ?, vector = ?, vector_model = 'an-older-model' WHERE id = ?",
                text,
                MemoryRepository.encode(old),
                stored.id());
        stores.get()
                .add(List.of(new MemoryRecord(
                        stored.id(), user, stored.sessionId(), stored.turnId(), text, stored.at(), old)));
        float[] now = embedder.embed(text);
        MemoryQuery byVector = new MemoryQuery(user, text, now, 1, 0, SearchMode.VECTOR);
        assertThat(stores.get().search(byVector).getFirst().score()).isLessThan(0.5);

        assertThat(repository.enqueueStaleVectors(Instant.now())).isEqualTo(1); // what start-up does
        assertThat(repository.enqueueStaleVectors(Instant.now()))
                .as("already queued")
                .isZero(); // a restart
        indexer.wake();
        awaitIndexed();

        MemoryRepository.Row row = repository.rows(List.of(stored.id())).get(stored.id());
        assertThat(row).as("still remembered: not screened again").isNotNull();
        assertThat(row.memory().text()).isEqualTo(text);
        assertThat(row.vectorModel()).isEqualTo(TextEmbedder.MODEL_NAME);
        assertThat(row.vector()).containsExactly(now);
        assertThat(stores.get().search(byVector).getFirst().score()).isGreaterThan(0.99);
        assertThat(repository.enqueueStaleVectors(Instant.now())).isZero();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
