package dev.warden.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MemoryStore} must do, run against each implementation (real Lucene on disk, a real Chroma server).
 * Every test works on fresh user ids, so the stores need not be emptied between tests.
 */
abstract class MemoryStoreContract {

    protected MemoryStore store;

    /** A store on the same data as every other store this test class opens. */
    protected abstract MemoryStore open();

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    static MemoryRecord memory(String user, String text) {
        return memory(user, text, "session-1", Instant.parse("2026-03-01T10:15:30.123Z"));
    }

    static MemoryRecord memory(String user, String text, String session, Instant at) {
        return new MemoryRecord(
                UUID.randomUUID().toString(),
                user,
                session,
                "turn-" + UUID.randomUUID(),
                text,
                at,
                TestVectors.of(text));
    }

    static MemoryQuery query(String user, String text, int limit) {
        return MemoryQuery.hybrid(user, text, TestVectors.of(text), limit, 0);
    }

    static List<String> ids(List<MemoryHit> hits) {
        return hits.stream().map(MemoryHit::id).toList();
    }

    @Test
    void findsTheMemoryNearestTheQueryFirst() {
        String user = newUser();
        MemoryRecord dog = memory(user, "My dog Bruno is a black labrador who loves swimming");
        MemoryRecord car = memory(user, "I drive a red Toyota Corolla to work every morning");
        MemoryRecord tea = memory(user, "I prefer green tea without sugar in the afternoon");
        store.add(List.of(dog, car, tea));

        List<MemoryHit> hits = store.search(query(user, "labrador Bruno swimming dog", 3));

        assertThat(hits).isNotEmpty();
        assertThat(hits.getFirst().id()).isEqualTo(dog.id());
        assertThat(hits.getFirst().text()).isEqualTo(dog.text());
        assertThat(hits.getFirst().score()).isBetween(0.5, 1.0);
    }

    @Test
    void keepsWhereAndWhenAMemoryWasMade() {
        String user = newUser();
        Instant at = Instant.parse("2025-11-05T08:00:00.250Z");
        MemoryRecord memory = memory(user, "The wifi password at the cabin is on the fridge", "session-42", at);
        store.add(List.of(memory));

        MemoryHit hit = store.search(query(user, memory.text(), 1)).getFirst();

        assertThat(hit.id()).isEqualTo(memory.id());
        assertThat(hit.sessionId()).isEqualTo("session-42");
        assertThat(hit.turnId()).isEqualTo(memory.turnId());
        assertThat(hit.at()).isEqualTo(at.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void neverReturnsAnotherUsersMemory() {
        String ada = newUser();
        String ben = newUser();
        String text = "My bank account number ends in 4471";
        MemoryRecord adas = memory(ada, text);
        MemoryRecord bens = memory(ben, text);
        store.add(List.of(adas, bens));

        assertThat(ids(store.search(query(ada, text, 10)))).containsExactly(adas.id());
        assertThat(ids(store.search(query(ben, text, 10)))).containsExactly(bens.id());
        assertThat(store.search(query(newUser(), text, 10))).isEmpty();
    }

    @Test
    void deletedMemoriesAreNeverFoundAgain() {
        String user = newUser();
        MemoryRecord keep = memory(user, "I am allergic to peanuts and shellfish");
        MemoryRecord forget = memory(user, "I am allergic to penicillin and peanuts");
        store.add(List.of(keep, forget));

        store.delete(user, List.of(forget.id()));

        assertThat(ids(store.search(query(user, forget.text(), 10)))).containsExactly(keep.id());
        store.close();
        store = open();
        assertThat(ids(store.search(query(user, forget.text(), 10)))).containsExactly(keep.id());
    }

    @Test
    void deletingWithAnotherUsersIdChangesNothing() {
        String owner = newUser();
        MemoryRecord memory = memory(owner, "My locker code is 2468");
        store.add(List.of(memory));

        store.delete(newUser(), List.of(memory.id()));

        assertThat(ids(store.search(query(owner, memory.text(), 5)))).containsExactly(memory.id());
    }

    @Test
    void forgettingAUserLeavesEveryoneElse() {
        String ada = newUser();
        String ben = newUser();
        store.add(List.of(
                memory(ada, "Ada plays the cello on Sundays"),
                memory(ada, "Ada's cello teacher is called Ines"),
                memory(ben, "Ben plays the cello on Sundays")));

        store.deleteUser(ada);

        assertThat(store.search(query(ada, "cello Sundays teacher", 10))).isEmpty();
        assertThat(store.search(query(ben, "cello Sundays", 10))).hasSize(1);
    }

    @Test
    void addingTheSameIdAgainReplacesTheMemory() {
        String user = newUser();
        MemoryRecord first = memory(user, "My favourite colour is blue");
        MemoryRecord second = new MemoryRecord(
                first.id(),
                user,
                first.sessionId(),
                first.turnId(),
                "My favourite colour is green",
                first.at(),
                TestVectors.of("My favourite colour is green"));
        store.add(List.of(first));
        store.add(List.of(second));

        List<MemoryHit> hits = store.search(query(user, "favourite colour", 10));

        assertThat(hits).extracting(MemoryHit::id).containsExactly(first.id());
        assertThat(hits.getFirst().text()).isEqualTo(second.text());
    }

    @Test
    void respectsTheLimitAndTheRelevanceFloor() {
        String user = newUser();
        List<MemoryRecord> memories = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            memories.add(memory(user, "Note number " + i + " about the garden and the roses"));
        }
        store.add(memories);

        assertThat(store.search(query(user, "garden roses note", 4))).hasSize(4);
        MemoryQuery unrelated = MemoryQuery.hybrid(
                user, "quantum chromodynamics lattice", TestVectors.of("quantum chromodynamics lattice"), 4, 0.5);
        assertThat(store.search(unrelated)).isEmpty();
        MemoryQuery strict =
                MemoryQuery.hybrid(user, "garden roses note", TestVectors.of("garden roses note"), 20, 0.3);
        assertThat(store.search(strict))
                .allSatisfy(hit -> assertThat(hit.score()).isGreaterThanOrEqualTo(0.3));
    }

    @Test
    void vectorSearchRanksByCosineSimilarity() {
        String user = newUser();
        Random random = new Random(7);
        float[] target = TestVectors.random(random);
        List<MemoryRecord> memories = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // A memory at cosine 1 - 0.04 i to the target: the target plus noise made orthogonal to it.
            float[] noise = TestVectors.random(random);
            double along = 0;
            for (int d = 0; d < noise.length; d++) {
                along += noise[d] * target[d];
            }
            for (int d = 0; d < noise.length; d++) {
                noise[d] -= (float) (along * target[d]);
            }
            TestVectors.normalize(noise);
            double cos = 1 - i * 0.04;
            double sin = Math.sqrt(1 - cos * cos);
            float[] v = new float[TestVectors.DIMENSION];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) (cos * target[d] + sin * noise[d]);
            }
            memories.add(new MemoryRecord(
                    "m" + i + "-" + UUID.randomUUID(),
                    user,
                    null,
                    null,
                    "memory " + i,
                    Instant.EPOCH,
                    TestVectors.normalize(v)));
        }
        store.add(memories);

        List<MemoryHit> hits = store.search(new MemoryQuery(user, "", target, 5, 0, SearchMode.VECTOR));

        assertThat(hits)
                .extracting(MemoryHit::text)
                .containsExactly("memory 0", "memory 1", "memory 2", "memory 3", "memory 4");
        assertThat(hits.getFirst().score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(hits).extracting(MemoryHit::score).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void keepsTextInAnyScriptExactly() {
        String user = newUser();
        List<String> texts = List.of(
                "Моя собака любит гулять в парке каждое утро",
                "我喜欢在周末吃北京烤鸭",
                "أحب قراءة الكتب في المساء",
                "Το αγαπημένο μου νησί είναι η Νάξος",
                "मुझे चाय बहुत पसंद है",
                "週末は京都で抹茶を飲みます 🍵",
                "Zoë's café in Zürich serves crème brûlée");
        List<MemoryRecord> memories = texts.stream().map(t -> memory(user, t)).toList();
        store.add(memories);

        for (MemoryRecord memory : memories) {
            MemoryHit hit = store.search(query(user, memory.text(), 1)).getFirst();
            assertThat(hit.id()).as(memory.text()).isEqualTo(memory.id());
            assertThat(hit.text()).isEqualTo(memory.text());
        }
    }

    @Test
    void memoriesOutliveTheStoreObject() {
        String user = newUser();
        MemoryRecord memory = memory(user, "The spare key is under the blue flower pot");
        store.add(List.of(memory));
        store.close();

        store = open();

        assertThat(ids(store.search(query(user, memory.text(), 3)))).containsExactly(memory.id());
    }
}
