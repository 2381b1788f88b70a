package dev.warden.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.embedding.TextEmbedder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Figures for docs/memory.md, printed, not asserted (run with
 * {@code ./mvnw test -Dtest=MemoryBenchmark -Dsurefire.excludedGroups=none}): the embedded store's ingest rate and
 * recall latency with 100,000 memories of one user (random unit vectors for the corpus, so the embedding is not part
 * of it), and what one embedding costs. Targets from the issue: recall p99 ≤ 20 ms, ingest ≥ 500/s.
 */
@Tag("benchmark")
class MemoryBenchmark {

    static final int CORPUS = 100_000;
    static final int BATCH = 64;
    static final int QUERIES = 500;
    static final int WARMUP = 100;

    @Test
    void embeddedStoreWithAHundredThousandMemories() throws Exception {
        Random random = new Random(42);
        String[] vocabulary = vocabulary(random, 20_000);
        Path dir = Files.createTempDirectory("warden-memory-bench-");
        String user = "bench-user";
        try (EmbeddedMemoryStore store = EmbeddedMemoryStore.open(dir.resolve("index"), false)) {
            // Ingest in batches, as the indexer does: one commit (fsync) per batch.
            String ingestLoad = loadAverage();
            long start = System.nanoTime();
            List<MemoryRecord> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < CORPUS; i++) {
                batch.add(record(user, i, sentence(random, vocabulary, 12 + random.nextInt(20)), random));
                if (batch.size() == BATCH) {
                    store.add(batch);
                    batch = new ArrayList<>(BATCH);
                }
            }
            store.add(batch);
            double ingestSeconds = (System.nanoTime() - start) / 1e9;
            ingestLoad += " -> " + loadAverage();
            assertThat(store.count(user)).isEqualTo(CORPUS);

            // One memory per commit: what a lone remembered exchange costs.
            int single = 200;
            start = System.nanoTime();
            for (int i = 0; i < single; i++) {
                store.add(List.of(record(user, CORPUS + i, sentence(random, vocabulary, 20), random)));
            }
            double singleSeconds = (System.nanoTime() - start) / 1e9;

            StringBuilder out = new StringBuilder();
            out.append(String.format(
                    Locale.ROOT,
                    "%nEmbedded memory store, %,d memories of one user (%d cores, Java %s, vector API %s)%n",
                    CORPUS,
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.version(),
                    ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "on" : "off"));
            out.append(String.format(
                    Locale.ROOT,
                    "ingest in batches of %d (one commit each): %.0f memories/s (%.1f s); load average %s%n",
                    BATCH,
                    CORPUS / ingestSeconds,
                    ingestSeconds,
                    ingestLoad));
            out.append(String.format(
                    Locale.ROOT, "ingest one by one (one commit each):     %.0f memories/s%n", single / singleSeconds));

            // What users see: the index once Lucene's background merges after the ingest are done (measuring while
            // they run measures the merges, which take both cores), then after the compaction the indexer does
            // after a bulk load.
            start = System.nanoTime();
            store.awaitMerges();
            out.append(String.format(
                    Locale.ROOT,
                    "background merges finished %.1f s after the ingest: %d segments%n",
                    (System.nanoTime() - start) / 1e9,
                    store.segments()));
            recall(store, user, random, vocabulary, out);
            start = System.nanoTime();
            store.compact();
            out.append(String.format(
                    Locale.ROOT,
                    "compacted into %d segment in %.1f s%n",
                    store.segments(),
                    (System.nanoTime() - start) / 1e9));
            recall(store, user, random, vocabulary, out);
            System.out.println(out);
        } finally {
            LongTermMemoryTest.deleteRecursively(dir);
        }
    }

    /**
     * Recall latency per mode: wall-clock time (what a caller waits, including waiting for a core on a busy machine)
     * and the thread's CPU time (what the search itself costs), with the load average before and after.
     */
    private static void recall(
            EmbeddedMemoryStore store, String user, Random random, String[] vocabulary, StringBuilder out) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (SearchMode mode : SearchMode.values()) {
            String loadBefore = loadAverage();
            double[] millis = new double[QUERIES];
            double[] cpu = new double[QUERIES];
            for (int i = -WARMUP; i < QUERIES; i++) {
                MemoryQuery query =
                        new MemoryQuery(user, sentence(random, vocabulary, 8), TestVectors.random(random), 8, 0, mode);
                long t = System.nanoTime();
                long c = threads.getCurrentThreadCpuTime();
                List<MemoryHit> hits = store.search(query);
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - t) / 1e6;
                    cpu[i] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
                    assertThat(hits).isNotEmpty();
                }
            }
            Arrays.sort(millis);
            Arrays.sort(cpu);
            out.append(String.format(
                    Locale.ROOT,
                    "recall %-7s (8 hits, no embedding): p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                            + " CPU p50 %.2f ms, p99 %.2f ms; load average %s -> %s%n",
                    mode,
                    millis[QUERIES / 2],
                    millis[(int) (QUERIES * 0.99) - 1],
                    millis[QUERIES - 1],
                    cpu[QUERIES / 2],
                    cpu[(int) (QUERIES * 0.99) - 1],
                    loadBefore,
                    loadAverage()));
        }
    }

    /** The 1-minute load average (Linux), or "?" elsewhere. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    @Test
    void oneEmbedding() {
        TextEmbedder embedder = new TextEmbedder();
        embedder.warmUp();
        String shortText = "My sister Nora moved to Porto last year and teaches chemistry there."; // ~70 chars
        String hundred = "Remind me that the plumber Marek comes on Thursday at nine to service the boiler again.";
        StringBuilder window = new StringBuilder();
        while (window.length() < 1000) {
            window.append("We talked about the renovation of the kitchen, the tiles, the paint and the builder. ");
        }
        StringBuilder out = new StringBuilder(
                "\nOne " + TextEmbedder.MODEL_NAME + " embedding (TextEmbedder, on the calling thread)\n");
        for (String text : List.of(shortText, hundred, window.toString())) {
            for (int i = 0; i < 10; i++) {
                embedder.embed(text);
            }
            int runs = 50;
            double[] millis = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                float[] v = embedder.embed(text);
                millis[i] = (System.nanoTime() - t) / 1e6;
                assertThat(v).hasSize(TextEmbedder.DIMENSION);
            }
            Arrays.sort(millis);
            out.append(String.format(
                    Locale.ROOT,
                    "%4d characters: median %.1f ms, p90 %.1f ms%n",
                    text.length(),
                    millis[runs / 2],
                    millis[(int) (runs * 0.9)]));
        }
        System.out.println(out);
    }

    private static MemoryRecord record(String user, int i, String text, Random random) {
        return new MemoryRecord(
                "m-" + i,
                user,
                "s-" + (i / 20),
                "t-" + (i / 2),
                text,
                Instant.ofEpochSecond(1_700_000_000L + i),
                TestVectors.random(random));
    }

    /** Made-up words with a skewed (Zipf-like) frequency, so keyword postings look like a real corpus's. */
    private static String[] vocabulary(Random random, int size) {
        String[] words = new String[size];
        for (int i = 0; i < size; i++) {
            StringBuilder w = new StringBuilder();
            int length = 3 + random.nextInt(7);
            for (int c = 0; c < length; c++) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            words[i] = w.toString();
        }
        return words;
    }

    private static String sentence(Random random, String[] vocabulary, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            double u = random.nextDouble();
            int index = (int) Math.min(vocabulary.length - 1, Math.floor(Math.pow(vocabulary.length, u)) - 1);
            s.append(i == 0 ? "" : " ").append(vocabulary[Math.max(0, index)]);
        }
        return s.append('.').toString();
    }
}
