package dev.warden.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real Lucene index on disk, plus what only the embedded store does: keywords, repair, kill -9. */
class EmbeddedMemoryStoreTest extends MemoryStoreContract {

    @TempDir
    static Path shared;

    @TempDir
    Path own;

    @Override
    protected MemoryStore open() {
        return EmbeddedMemoryStore.open(shared.resolve("index"), false);
    }

    private static MemoryRecord randomVector(String user, String text, Random random) {
        return new MemoryRecord(
                UUID.randomUUID().toString(), user, "s", "t", text, Instant.EPOCH, TestVectors.random(random));
    }

    @Test
    void anIndexOfOneUserStillKeepsTheNextUserApart() {
        // While the index holds one user's memories only, searches leave the user filter out; it must come back as soon
        // as someone else's memory is there, and stay right after deletions.
        try (EmbeddedMemoryStore own = EmbeddedMemoryStore.open(this.own.resolve("index"), false)) {
            Random random = new Random(5);
            List<MemoryRecord> adas = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                adas.add(randomVector("ada", "Ada's note number " + i + " about the garden", random));
            }
            own.add(adas);
            float[] target = TestVectors.random(random);
            for (SearchMode mode : SearchMode.values()) {
                assertThat(own.search(new MemoryQuery("ada", "garden note", target, 5, 0, mode)))
                        .hasSize(5);
            }

            MemoryRecord bens = new MemoryRecord("ben-1", "ben", "s", "t", "Ben's garden note", Instant.EPOCH, target);
            own.add(List.of(bens));
            for (SearchMode mode : SearchMode.values()) {
                assertThat(ids(own.search(new MemoryQuery("ada", "garden note", target, 50, 0, mode))))
                        .doesNotContain(bens.id());
                assertThat(ids(own.search(new MemoryQuery("ben", "garden note", target, 50, 0, mode))))
                        .containsExactly(bens.id());
            }

            own.deleteUser("ada");
            for (SearchMode mode : SearchMode.values()) {
                assertThat(own.search(new MemoryQuery("ada", "garden note", target, 50, 0, mode)))
                        .isEmpty();
                assertThat(ids(own.search(new MemoryQuery("ben", "garden note", target, 50, 0, mode))))
                        .containsExactly(bens.id());
            }
        }
    }

    @Test
    void compactingLeavesOneSegmentWithEveryMemory() {
        try (EmbeddedMemoryStore own = EmbeddedMemoryStore.open(this.own.resolve("index"), false)) {
            Random random = new Random(6);
            List<MemoryRecord> all = new ArrayList<>();
            for (int batch = 0; batch < 5; batch++) {
                List<MemoryRecord> memories = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    memories.add(randomVector("ada", "Note " + batch + "-" + i, random));
                }
                own.add(memories);
                all.addAll(memories);
            }
            own.delete("ada", List.of(all.getFirst().id()));

            own.compact();

            assertThat(own.segments()).isEqualTo(1);
            assertThat(own.count("ada")).isEqualTo(49);
            MemoryRecord last = all.getLast();
            MemoryHit hit = own.search(new MemoryQuery("ada", last.text(), last.vector(), 1, 0, SearchMode.VECTOR))
                    .getFirst();
            assertThat(hit.id()).isEqualTo(last.id());
            assertThat(hit.score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
        try (EmbeddedMemoryStore reopened = EmbeddedMemoryStore.open(this.own.resolve("index"), false)) {
            assertThat(reopened.count("ada")).isEqualTo(49);
        }
    }

    @Test
    void keywordsFindARareWordTheVectorsMiss() {
        String user = newUser();
        Random random = new Random(11);
        List<MemoryRecord> memories = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            memories.add(randomVector(user, "An ordinary note " + i + " about the week", random));
        }
        MemoryRecord rare = randomVector(user, "My nephew became a professional xylophonist in Lyon", random);
        memories.add(rare);
        store.add(memories);
        float[] unrelated = TestVectors.random(random);

        MemoryQuery keyword =
                new MemoryQuery(user, "Who plays the xylophonist job?", unrelated, 4, 0, SearchMode.KEYWORD);
        MemoryQuery hybrid =
                new MemoryQuery(user, "Who plays the xylophonist job?", unrelated, 4, 0, SearchMode.HYBRID);
        MemoryQuery vector =
                new MemoryQuery(user, "Who plays the xylophonist job?", unrelated, 4, 0, SearchMode.VECTOR);

        assertThat(ids(store.search(keyword)).getFirst()).isEqualTo(rare.id());
        assertThat(ids(store.search(hybrid))).contains(rare.id());
        assertThat(ids(store.search(vector))).doesNotContain(rare.id());
    }

    @Test
    void keywordRelevanceIsTheShareOfTheQueryMatched() {
        String user = newUser();
        Random random = new Random(3);
        MemoryRecord both = randomVector(user, "The plumber fixed the boiler", random);
        MemoryRecord one = randomVector(user, "The plumber was late", random);
        store.add(List.of(both, one, randomVector(user, "Something else entirely", random)));

        List<MemoryHit> hits = store.search(new MemoryQuery(user, "plumber boiler", null, 5, 0, SearchMode.KEYWORD));

        assertThat(ids(hits)).containsExactly(both.id(), one.id());
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        assertThat(hits.get(0).score()).isBetween(0.999, 1.0);
        assertThat(hits.get(1).score()).isBetween(0.1, 0.6);
    }

    @Test
    void keywordsWorkInOtherScripts() {
        String user = newUser();
        Random random = new Random(5);
        MemoryRecord russian = randomVector(user, "Моя собака любит гулять в парке", random);
        MemoryRecord chinese = randomVector(user, "我喜欢在周末吃北京烤鸭", random);
        MemoryRecord japanese = randomVector(user, "週末は京都で抹茶を飲みます", random);
        MemoryRecord arabic = randomVector(user, "أحب قراءة الكتب في المساء", random);
        MemoryRecord greek = randomVector(user, "Το αγαπημένο μου νησί είναι η Νάξος", random);
        MemoryRecord accents = randomVector(user, "Zoë ordered crème brûlée at the café", random);
        store.add(List.of(russian, chinese, japanese, arabic, greek, accents));

        assertThat(keywordHit(user, "собака")).isEqualTo(russian.id());
        assertThat(keywordHit(user, "北京烤鸭")).isEqualTo(chinese.id());
        assertThat(keywordHit(user, "京都の抹茶")).isEqualTo(japanese.id());
        assertThat(keywordHit(user, "الكتب")).isEqualTo(arabic.id());
        assertThat(keywordHit(user, "ΝΆΞΟΣ")).isEqualTo(greek.id());
        assertThat(keywordHit(user, "creme brulee cafe")).isEqualTo(accents.id());
    }

    @Test
    void keywordsMatchOtherFormsOfAnEnglishWord() {
        String user = newUser();
        Random random = new Random(9);
        MemoryRecord memory = randomVector(user, "I was running with my new shoes", random);
        store.add(List.of(memory, randomVector(user, "Lunch was pasta", random)));

        assertThat(keywordHit(user, "runs shoe")).isEqualTo(memory.id());
    }

    @Test
    void aQueryOfOnlyStopWordsFindsNoKeywordMatch() {
        String user = newUser();
        store.add(List.of(memory(user, "It is what it is")));

        assertThat(store.search(new MemoryQuery(user, "it is the", null, 4, 0, SearchMode.KEYWORD)))
                .isEmpty();
    }

    private String keywordHit(String user, String text) {
        List<MemoryHit> hits = store.search(new MemoryQuery(user, text, null, 1, 0, SearchMode.KEYWORD));
        assertThat(hits).as(text).isNotEmpty();
        return hits.getFirst().id();
    }

    @Test
    void aCorruptIndexIsRefusedWithAClearMessageWhenRepairIsOff() throws IOException {
        Path index = own.resolve("index");
        fill(index);
        corrupt(index);

        assertThatThrownBy(() -> EmbeddedMemoryStore.open(index, false))
                .isInstanceOf(EmbeddedMemoryStore.UnreadableIndexException.class)
                .hasMessageContaining(index.toString())
                .hasMessageContaining("cannot be read")
                .hasMessageContaining("rebuilds it from the database");
        assertThat(index).isDirectory();
    }

    @Test
    void aCorruptIndexIsMovedAsideAndANewOneStarts() throws IOException {
        Path index = own.resolve("index");
        String user = fill(index);
        corrupt(index);

        try (EmbeddedMemoryStore reopened = EmbeddedMemoryStore.open(index, true)) {
            assertThat(reopened.startedEmpty()).isTrue();
            assertThat(reopened.movedAside()).isDirectory();
            assertThat(reopened.movedAside().getFileName().toString()).startsWith("index.corrupt-");
            assertThat(reopened.count(user)).isZero();
            MemoryRecord again = memory(user, "Written after the repair");
            reopened.add(List.of(again));
            assertThat(ids(reopened.search(query(user, again.text(), 1)))).containsExactly(again.id());
        }
        try (EmbeddedMemoryStore third = EmbeddedMemoryStore.open(index, false)) {
            assertThat(third.startedEmpty()).isFalse();
            assertThat(third.count(user)).isEqualTo(1);
        }
    }

    @Test
    void aNewIndexSaysItStartedEmpty() {
        try (EmbeddedMemoryStore fresh = EmbeddedMemoryStore.open(own.resolve("fresh"), false)) {
            assertThat(fresh.startedEmpty()).isTrue();
            assertThat(fresh.movedAside()).isNull();
        }
        try (EmbeddedMemoryStore again = EmbeddedMemoryStore.open(own.resolve("fresh"), false)) {
            assertThat(again.startedEmpty()).isFalse();
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        try (EmbeddedMemoryStore first = EmbeddedMemoryStore.open(own.resolve("locked"), false)) {
            assertThat(first.count("nobody")).isZero();
            assertThatThrownBy(() -> EmbeddedMemoryStore.open(own.resolve("locked"), true))
                    .isInstanceOf(MemoryStoreException.class)
                    .hasMessageContaining("locked by another process");
        }
    }

    /** A memory is durable when add returns: a process killed (SIGKILL) right after loses nothing. */
    @Test
    void anAddedMemorySurvivesKillMinus9() throws Exception {
        Path index = own.resolve("killed");
        String user = newUser();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        StoreWriterProcess.class.getName(),
                        index.toString(),
                        user,
                        "5")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
            String line;
            List<String> seen = new ArrayList<>();
            while ((line = out.readLine()) != null && !line.equals(StoreWriterProcess.DONE)) {
                seen.add(line);
            }
            assertThat(line).as("the writer's output: %s", seen).isEqualTo(StoreWriterProcess.DONE);
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.exitValue()).isEqualTo(137);
        } finally {
            writer.destroyForcibly();
        }

        try (EmbeddedMemoryStore reopened = EmbeddedMemoryStore.open(index, false)) {
            assertThat(reopened.count(user)).isEqualTo(5);
            assertThat(reopened.search(query(user, "memory number 4 of the killed writer", 1)))
                    .extracting(MemoryHit::text)
                    .containsExactly("memory number 4 of the killed writer");
        }
    }

    private static String fill(Path index) {
        String user = newUser();
        try (EmbeddedMemoryStore store = EmbeddedMemoryStore.open(index, false)) {
            for (int i = 0; i < 3; i++) {
                store.add(List.of(memory(user, "Filler memory " + i)));
            }
        }
        return user;
    }

    /** Overwrites the middle of every file of the last commit, as a bad disk or a careless hand would. */
    private static void corrupt(Path index) throws IOException {
        try (Stream<Path> files = Files.list(index)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("write.lock"))
                    .toList()) {
                byte[] bytes = Files.readAllBytes(file);
                for (int i = bytes.length / 3; i < Math.min(bytes.length, bytes.length / 3 + 16); i++) {
                    bytes[i] ^= (byte) 0x5A;
                }
                Files.write(file, bytes);
            }
        }
    }
}
