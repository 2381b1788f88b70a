package dev.warden.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Embedding the doubtful windows in batches (one per core) must give exactly the verdict of embedding them one after
 * another: same action, score, signals and excerpts, same number of windows embedded. Runs the shipped model's n-gram
 * part and heads with a stand-in embedder whose vectors depend only on the text, over long texts made from {@code
 * dev.jsonl} (when the shared data is present) and generated ones.
 */
class BatchedEmbeddingEquivalenceTest {

    private static final RuleSet RULES = RuleSet.builtIn();
    private static final Detectors DETECTORS = Detectors.load(Optional.empty());

    /** A deterministic pseudo-embedding of {@code text}: unit length, biased per text so some windows look hostile. */
    static float[] fakeEmbed(String text) {
        SplittableRandom random = new SplittableRandom(text.hashCode());
        float[] v = new float[384];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** The stand-in embedder, claiming to embed {@code parallelism} texts at once. */
    private static FirewallEngine.Embedder embedder(int parallelism) {
        return new FirewallEngine.Embedder() {
            @Override
            public float[] embed(String text) {
                return fakeEmbed(text);
            }

            @Override
            public List<float[]> embedAll(List<String> texts) {
                assertThat(texts.size()).isLessThanOrEqualTo(parallelism);
                return texts.stream()
                        .map(BatchedEmbeddingEquivalenceTest::fakeEmbed)
                        .toList();
            }

            @Override
            public int parallelism() {
                return parallelism;
            }
        };
    }

    static List<String> longTexts() throws IOException {
        List<String> texts = new ArrayList<>();
        Path dev = Path.of("../shared/firewall/dev.jsonl");
        if (Files.exists(dev)) {
            ObjectMapper json = new ObjectMapper();
            List<String> rows = new ArrayList<>();
            for (String line : Files.readAllLines(dev)) {
                if (!line.isBlank()) {
                    JsonNode node = json.readTree(line);
                    rows.add(node.get("text").asText());
                }
            }
            StringBuilder doc = new StringBuilder();
            for (String row : rows) {
                if (row.length() > 700) {
                    texts.add(row);
                }
                doc.append(row).append("\n\n");
                if (doc.length() >= 4096) {
                    texts.add(doc.substring(0, 4096));
                    doc.setLength(0);
                }
            }
        }
        SplittableRandom random = new SplittableRandom(42);
        String[] words = {
            "the",
            "report",
            "ignore",
            "previous",
            "instructions",
            "weather",
            "send",
            "password",
            "assistant",
            "table",
            "system",
            "prompt",
            "reveal",
            "quarterly",
            "revenue",
            "you",
            "are",
            "now",
            "admin",
            "meeting",
            "notes"
        };
        for (int t = 0; t < 200; t++) {
            StringBuilder sb = new StringBuilder();
            int length = 1000 + random.nextInt(7000);
            while (sb.length() < length) {
                sb.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? ".\n" : " ");
            }
            texts.add(sb.toString());
        }
        return texts;
    }

    @Test
    void batchedEmbeddingGivesTheSameVerdictAsOneByOne() throws IOException {
        List<String> texts = longTexts();
        FirewallEngine.Settings defaults = FirewallEngine.Settings.defaults();
        FirewallEngine.Settings smallBudget =
                new FirewallEngine.Settings(true, defaults.maxChars(), 3, defaults.thresholds());
        int embeddedSomewhere = 0;
        int compared = 0;
        for (FirewallEngine.Settings settings : List.of(defaults, smallBudget)) {
            FirewallEngine sequential = new FirewallEngine(RULES, DETECTORS, embedder(1), settings);
            List<FirewallEngine> batched = List.of(
                    new FirewallEngine(RULES, DETECTORS, embedder(2), settings),
                    new FirewallEngine(RULES, DETECTORS, embedder(3), settings));
            for (String text : texts) {
                for (Source source : Source.values()) {
                    FirewallEngine.Scan expected = sequential.scanDetailed(text, source, null);
                    embeddedSomewhere += expected.embedded() > 1 ? 1 : 0;
                    for (FirewallEngine engine : batched) {
                        FirewallEngine.Scan actual = engine.scanDetailed(text, source, null);
                        assertThat(actual).as(text).isEqualTo(expected);
                        assertThat(actual.verdict().toString())
                                .isEqualTo(expected.verdict().toString());
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(1000);
        assertThat(embeddedSomewhere)
                .as("texts that embed more than one window")
                .isGreaterThan(50);
    }
}
