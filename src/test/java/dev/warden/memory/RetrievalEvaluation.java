package dev.warden.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.embedding.TextEmbedder;
import dev.warden.testing.ProviderFakes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Retrieval quality on the evaluation set ({@code src/test/resources/memory/eval.json}): made-up users' past sessions,
 * remembered exactly as the service remembers an exchange, with the real embedder and the embedded store; then each
 * question of a later session. Prints recall@4 and MRR (over the top 10) for vector-only, keyword-only and hybrid
 * retrieval without a floor, then what the configured relevance floor does (answers kept, unanswerable questions left
 * without memories). Fails when hybrid recall@4 drops below the issue's target, 0.9.
 */
@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class RetrievalEvaluation {

    static final int K = 4;
    static final int DEPTH = 10;

    @Inject
    TextEmbedder embedder;

    @Inject
    LongTermMemory memory;

    @Inject
    MemoryConfig config;

    record Question(String user, String text, List<String> expect, String kind) {}

    record Outcome(double recallAtK, double mrr, Map<String, double[]> byKind, List<String> misses) {}

    @Test
    void hybridRetrievalFindsTheAnswerInTheTopFour() throws IOException {
        JsonNode eval;
        try (InputStream in = getClass().getResourceAsStream("/memory/eval.json")) {
            eval = new ObjectMapper().readTree(in);
        }
        Path dir = Files.createTempDirectory("warden-eval-");
        Map<String, String> factOf = new HashMap<>();
        int facts = 0;
        try (EmbeddedMemoryStore store = EmbeddedMemoryStore.open(dir.resolve("index"), false)) {
            List<MemoryRecord> records = new ArrayList<>();
            for (JsonNode user : eval.path("users")) {
                for (JsonNode session : user.path("sessions")) {
                    for (JsonNode fact : session.path("facts")) {
                        facts++;
                        List<String> pieces = memory.pieces(
                                fact.path("user").asText(),
                                fact.path("assistant").asText());
                        for (String piece : pieces) {
                            String id = fact.path("id").asText() + "#" + records.size();
                            factOf.put(id, fact.path("id").asText());
                            records.add(new MemoryRecord(
                                    id,
                                    user.path("id").asText(),
                                    session.path("id").asText(),
                                    fact.path("id").asText(),
                                    piece,
                                    Instant.parse(session.path("at").asText()),
                                    embedder.embed(piece)));
                        }
                    }
                }
            }
            store.add(records);
            List<Question> questions = new ArrayList<>();
            for (JsonNode q : eval.path("questions")) {
                List<String> expect = new ArrayList<>();
                q.path("expect").forEach(e -> expect.add(e.asText()));
                questions.add(new Question(
                        q.path("user").asText(),
                        q.path("q").asText(),
                        expect,
                        q.path("kind").asText()));
            }
            Map<String, float[]> vectors = new HashMap<>();
            questions.forEach(q -> vectors.put(q.text(), embedder.embed(q.text())));
            List<Question> answerable =
                    questions.stream().filter(q -> !q.expect().isEmpty()).toList();
            List<Question> unanswerable =
                    questions.stream().filter(q -> q.expect().isEmpty()).toList();

            StringBuilder report = new StringBuilder();
            report.append(String.format(
                    Locale.ROOT,
                    "%nRetrieval evaluation: %d facts of %d users, %d answerable questions, %d unanswerable%n",
                    facts,
                    eval.path("users").size(),
                    answerable.size(),
                    unanswerable.size()));
            report.append(
                    String.format(Locale.ROOT, "%-9s %9s %9s   recall@4 by kind%n", "mode", "recall@4", "MRR@10"));
            Map<SearchMode, Outcome> outcomes = new TreeMap<>();
            for (SearchMode mode : SearchMode.values()) {
                Outcome outcome = evaluate(store, answerable, vectors, factOf, mode, -1);
                outcomes.put(mode, outcome);
                report.append(String.format(
                        Locale.ROOT,
                        "%-9s %9.3f %9.3f   %s%n",
                        mode,
                        outcome.recallAtK(),
                        outcome.mrr(),
                        kinds(outcome)));
            }
            double floor = config.recall().minScore();
            Outcome floored = evaluate(store, answerable, vectors, factOf, SearchMode.HYBRID, floor);
            Outcome flooredVector = evaluate(store, answerable, vectors, factOf, SearchMode.VECTOR, floor);
            report.append(String.format(
                    Locale.ROOT,
                    "with the relevance floor %.2f: hybrid recall@4 %.3f, vector-only (Chroma) recall@4 %.3f;"
                            + " unanswerable questions given no memory: hybrid %d/%d, vector-only %d/%d%n",
                    floor,
                    floored.recallAtK(),
                    flooredVector.recallAtK(),
                    empty(store, unanswerable, vectors, SearchMode.HYBRID, floor),
                    unanswerable.size(),
                    empty(store, unanswerable, vectors, SearchMode.VECTOR, floor),
                    unanswerable.size()));
            report.append("floor sweep: floor, hybrid recall@4, unanswerable left without memory (hybrid),"
                    + " vector-only recall@4, unanswerable left without memory (vector-only)\n");
            for (double f : new double[] {0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5}) {
                report.append(String.format(
                        Locale.ROOT,
                        "  %.2f  %.3f  %2d/%d   %.3f  %2d/%d%n",
                        f,
                        evaluate(store, answerable, vectors, factOf, SearchMode.HYBRID, f)
                                .recallAtK(),
                        empty(store, unanswerable, vectors, SearchMode.HYBRID, f),
                        unanswerable.size(),
                        evaluate(store, answerable, vectors, factOf, SearchMode.VECTOR, f)
                                .recallAtK(),
                        empty(store, unanswerable, vectors, SearchMode.VECTOR, f),
                        unanswerable.size()));
            }
            report.append("hybrid misses (not in the top 4): ")
                    .append(outcomes.get(SearchMode.HYBRID).misses())
                    .append('\n');
            report.append("top scores of unanswerable questions (hybrid): ")
                    .append(topScores(store, unanswerable, vectors))
                    .append('\n');
            System.out.println(report);

            assertThat(facts)
                    .as("facts that answer questions, and the everyday haystack")
                    .isGreaterThanOrEqualTo(60);
            assertThat(outcomes.get(SearchMode.HYBRID).recallAtK())
                    .as("hybrid recall@4 (target 0.9)")
                    .isGreaterThanOrEqualTo(0.9);
        } finally {
            LongTermMemoryTest.deleteRecursively(dir);
        }
    }

    private static Outcome evaluate(
            MemoryStore store,
            List<Question> questions,
            Map<String, float[]> vectors,
            Map<String, String> factOf,
            SearchMode mode,
            double floor) {
        double found = 0;
        double reciprocal = 0;
        Map<String, double[]> byKind = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        for (Question q : questions) {
            List<MemoryHit> hits =
                    store.search(new MemoryQuery(q.user(), q.text(), vectors.get(q.text()), DEPTH, floor, mode));
            int rank = 0;
            for (int i = 0; i < hits.size(); i++) {
                if (q.expect().contains(factOf.get(hits.get(i).id()))) {
                    rank = i + 1;
                    break;
                }
            }
            boolean hit = rank > 0 && rank <= K;
            found += hit ? 1 : 0;
            reciprocal += rank > 0 ? 1.0 / rank : 0;
            double[] kind = byKind.computeIfAbsent(q.kind(), k -> new double[2]);
            kind[0] += hit ? 1 : 0;
            kind[1]++;
            if (!hit) {
                misses.add(q.user() + ": " + q.text() + " (rank " + (rank == 0 ? ">" + DEPTH : rank) + ")");
            }
        }
        return new Outcome(found / questions.size(), reciprocal / questions.size(), byKind, misses);
    }

    private static int empty(
            MemoryStore store, List<Question> questions, Map<String, float[]> vectors, SearchMode mode, double floor) {
        int none = 0;
        for (Question q : questions) {
            if (store.search(new MemoryQuery(q.user(), q.text(), vectors.get(q.text()), K, floor, mode))
                    .isEmpty()) {
                none++;
            }
        }
        return none;
    }

    private static List<String> topScores(MemoryStore store, List<Question> questions, Map<String, float[]> vectors) {
        List<String> scores = new ArrayList<>();
        for (Question q : questions) {
            List<MemoryHit> hits =
                    store.search(new MemoryQuery(q.user(), q.text(), vectors.get(q.text()), K, -1, SearchMode.HYBRID));
            double top = hits.stream().mapToDouble(MemoryHit::score).max().orElse(0);
            scores.add(String.format(Locale.ROOT, "%.2f", top));
        }
        return scores;
    }

    private static String kinds(Outcome outcome) {
        StringBuilder out = new StringBuilder();
        outcome.byKind()
                .forEach((kind, counts) ->
                        out.append(String.format(Locale.ROOT, "%s %.0f/%.0f  ", kind, counts[0], counts[1])));
        return out.toString().strip();
    }
}
