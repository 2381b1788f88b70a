package dev.warden.firewall;

import dev.warden.embedding.TextEmbedder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The firewall without CDI: normalise, decode hidden payloads, match rules, score every window with the n-gram model,
 * embed only the windows the n-gram model does not clear, and combine everything into one {@link Verdict}. Used by
 * {@link FirewallScanner} and by the training, evaluation and benchmark commands.
 *
 * <p>Scores combine as independent evidence: {@code score = 1 - Π(1 - weight)} over the signals (rules, detectors,
 * and the highest window probability of the models). Once the verdict can only be BLOCK, the remaining doubtful
 * windows are not embedded and count with their n-gram probability; the action is exact, the score then a bound. Never throws: on an internal error the verdict is FLAG with
 * signal {@code firewall.error}.
 */
public final class FirewallEngine {

    /** Embeds text (blocking); {@link TextEmbedder} in production ({@link #of(TextEmbedder)}). */
    @FunctionalInterface
    public interface Embedder {
        float[] embed(String text);

        /**
         * The embeddings of {@code texts}, in order, each exactly {@link #embed} of its text. By default one after
         * another; an implementation may embed them concurrently.
         */
        default List<float[]> embedAll(List<String> texts) {
            List<float[]> out = new ArrayList<>(texts.size());
            for (String t : texts) {
                out.add(embed(t));
            }
            return out;
        }

        /** How many texts {@link #embedAll} embeds at once; 1 (the default) means one after another. */
        default int parallelism() {
            return 1;
        }

        /** {@code embedder}, embedding up to {@link TextEmbedder#parallelism()} windows at once. */
        static Embedder of(TextEmbedder embedder) {
            return new Embedder() {
                @Override
                public float[] embed(String text) {
                    return embedder.embed(text);
                }

                @Override
                public List<float[]> embedAll(List<String> texts) {
                    return embedder.embedAll(texts);
                }

                @Override
                public int parallelism() {
                    return embedder.parallelism();
                }
            };
        }
    }

    /** Flag and block thresholds of one source. */
    public record Thresholds(double flag, double block) {}

    /** The engine's settings (see {@link FirewallConfig}). */
    public record Settings(boolean enabled, int maxChars, int maxEmbeddedWindows, Map<Source, Thresholds> thresholds) {

        /** Enabled, 131072 characters, 6 embedded windows, flag 0.4 and block 0.6 for every source. */
        public static Settings defaults() {
            Map<Source, Thresholds> t = new EnumMap<>(Source.class);
            for (Source s : Source.values()) {
                t.put(s, new Thresholds(0.4, 0.6));
            }
            return new Settings(true, 131_072, 6, t);
        }
    }

    /** A verdict with what it cost: windows scored, windows embedded, payloads decoded. */
    public record Scan(Verdict verdict, int windows, int embedded, int payloads) {}

    // JBoss Logging directly, not io.quarkus.logging.Log: the engine also runs in the training and evaluation
    // commands, outside Quarkus, where Log refuses to work.
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(FirewallEngine.class);

    static final int MAX_DEPTH = 3;
    static final int MAX_PAYLOADS = 16;
    static final int MAX_PAYLOAD_CHARS = 65_536;
    static final int EXCERPT = 120;

    private final RuleSet rules;
    private final Detectors detectors;
    private final Embedder embedder;
    private final Settings settings;

    public FirewallEngine(RuleSet rules, Detectors detectors, Embedder embedder, Settings settings) {
        this.rules = rules;
        this.detectors = detectors;
        this.embedder = embedder;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** The verdict on {@code text} from {@code source}. */
    public Verdict scan(String text, Source source) {
        return scanDetailed(text, source, null).verdict();
    }

    /**
     * The verdict and its cost. {@code embedding}, when given, must be {@link TextEmbedder#embed} of exactly
     * {@code text}; it is used where the cascade needs the embedding of a text that fits one window, saving the
     * model call. The verdict is the same with or without it (up to invisible characters the firewall strips before
     * embedding).
     */
    public Scan scanDetailed(String text, Source source, float[] embedding) {
        if (!settings.enabled()) {
            return new Scan(Verdict.allowUnscanned(source), 0, 0, 0);
        }
        try {
            return new Run(text == null ? "" : text, source, embedding, true).run();
        } catch (RuntimeException | StackOverflowError e) {
            LOG.errorf(e, "Firewall failed on a %s text of %d chars", source, text == null ? 0 : text.length());
            Thresholds t = settings.thresholds().get(source);
            return new Scan(
                    new Verdict(
                            Verdict.Action.FLAG,
                            t.flag(),
                            List.of(new Signal("firewall.error", 0, e.getClass().getSimpleName())),
                            source),
                    0,
                    0,
                    0);
        }
    }

    /** Normalisation, decoding and rules only, without the learned models (for benchmarks and diagnostics). */
    public Verdict scanRulesOnly(String text, Source source) {
        if (!settings.enabled()) {
            return Verdict.allowUnscanned(source);
        }
        return new Run(text == null ? "" : text, source, null, false).run().verdict();
    }

    /** One text being scanned, with its decoded payloads. */
    private record View(String label, int depth, TextNormalizer.Normalized text) {}

    /** One window of one view and what the models said. */
    private static final class Window {
        final View view;
        final int start;
        final int end;
        final double ngramLogit;
        double probability;
        boolean embedded;

        Window(View view, int start, int end, double ngramLogit) {
            this.view = view;
            this.start = start;
            this.end = end;
            this.ngramLogit = ngramLogit;
            this.probability = Detectors.sigmoid(ngramLogit);
        }
    }

    private final class Run {
        private final String text;
        private final Source source;
        private final float[] embedding;
        private final boolean models;
        private final Map<String, Signal> signals = new LinkedHashMap<>();
        private final List<Window> windows = new ArrayList<>();
        private final Map<View, Double> viewRuleScores = new LinkedHashMap<>();
        private int payloads;

        Run(String text, Source source, float[] embedding, boolean models) {
            this.text = text;
            this.source = source;
            this.embedding = embedding;
            this.models = models;
        }

        Scan run() {
            String scanned = text;
            if (scanned.length() > settings.maxChars()) {
                int cut = settings.maxChars();
                if (cut > 0 && Character.isHighSurrogate(scanned.charAt(cut - 1))) {
                    cut--;
                }
                scanned = scanned.substring(0, cut);
                signal(
                        "firewall.unscanned",
                        rules.weight("firewall.unscanned", source),
                        (text.length() - cut) + " characters after the first " + cut + " were not scanned");
            }
            ArrayDeque<View> queue = new ArrayDeque<>();
            View main = new View("", 0, TextNormalizer.normalize(scanned));
            queue.add(main);
            int payloadChars = MAX_PAYLOAD_CHARS;
            List<View> views = new ArrayList<>();
            while (!queue.isEmpty()) {
                View view = queue.poll();
                views.add(view);
                scanView(view);
                if (view.depth() < MAX_DEPTH && payloads < MAX_PAYLOADS && payloadChars > 0) {
                    for (Decoders.Payload p :
                            Decoders.find(view.text().clean(), MAX_PAYLOADS - payloads, payloadChars)) {
                        payloads++;
                        payloadChars -= p.text().length();
                        String label = "[" + p.kind().name().toLowerCase(java.util.Locale.ROOT) + "] ";
                        queue.add(new View(view.label() + label, view.depth() + 1, TextNormalizer.normalize(p.text())));
                    }
                }
            }
            int embedded = models ? resolveDoubtfulWindows(main) : 0;
            if (models) {
                modelSignal();
            }
            encodedPayloadSignal(views);
            return new Scan(verdict(), windows.size(), embedded, payloads);
        }

        private void scanView(View view) {
            TextNormalizer.Normalized n = view.text();
            double ruleScore = 0;
            for (RuleSet.Hit hit : rules.match(n)) {
                String excerpt = hit.compact()
                        ? n.excerptOfCompact(hit.start(), hit.end(), EXCERPT)
                        : n.excerptOfFolded(hit.start(), hit.end(), EXCERPT);
                double weight = hit.rule().weight(source);
                signal(hit.rule().id(), weight, view.label() + excerpt);
                ruleScore = 1 - (1 - ruleScore) * (1 - weight);
            }
            if (n.hiddenTagCharacters() >= 3) {
                signal(
                        "obfuscation.invisible-text",
                        rules.weight("obfuscation.invisible-text", source),
                        n.hiddenTagCharacters() + " invisible tag characters");
            }
            if (n.invisibleInsideWords() >= 2) {
                signal(
                        "obfuscation.split-words",
                        rules.weight("obfuscation.split-words", source),
                        n.invisibleInsideWords() + " invisible characters inside words");
            }
            viewRuleScores.put(view, ruleScore);
            if (!models || n.clean().isBlank()) {
                return;
            }
            for (int[] w : detectors.windows(n.clean())) {
                int from = n.foldedIndexOf(w[0]);
                int to = n.foldedIndexOf(w[1]);
                windows.add(new Window(view, w[0], w[1], detectors.ngramLogit(n.folded(), from, to)));
            }
        }

        /**
         * Embeds the doubtful windows, most suspicious first, until the verdict cannot change or the budget ends.
         * Windows are embedded in batches of {@link Embedder#parallelism()} (concurrently), but their results are
         * applied one at a time in the same order, with the stop condition checked before each: a batch's later
         * windows are discarded where a one-by-one pass would have stopped, so the verdict is the same.
         */
        private int resolveDoubtfulWindows(View main) {
            double block = settings.thresholds().get(source).block();
            List<Window> doubtful = windows.stream()
                    .filter(w -> !detectors.confident(w.probability))
                    .sorted(Comparator.comparingDouble((Window w) -> -w.probability))
                    .toList();
            int batchSize = Math.max(1, embedder == null ? 1 : embedder.parallelism());
            int embedded = 0;
            double ruleScore = score(0);
            int next = 0;
            while (next < doubtful.size()) {
                if (stop(block, embedded)) {
                    break;
                }
                int end =
                        Math.min(doubtful.size(), next + Math.min(batchSize, settings.maxEmbeddedWindows() - embedded));
                List<Window> batch = doubtful.subList(next, end);
                List<String> texts = new ArrayList<>(batch.size());
                for (Window w : batch) {
                    if (reused(w, main) == null) {
                        texts.add(w.view.text().clean().substring(w.start, w.end));
                    }
                }
                List<float[]> vectors = embedder.embedAll(texts);
                int v = 0;
                for (int i = 0; i < batch.size(); i++) {
                    if (i > 0 && stop(block, embedded)) {
                        return embedded;
                    }
                    Window w = batch.get(i);
                    float[] vector = reused(w, main);
                    if (vector == null) {
                        vector = vectors.get(v++);
                    }
                    w.probability = detectors.combined(w.ngramLogit, vector, ruleScore, source, text.length());
                    w.embedded = true;
                    embedded++;
                }
                next = end;
            }
            return embedded;
        }

        /** Whether embedding stops: the verdict can only be BLOCK, or the budget is spent. */
        private boolean stop(double block, int embedded) {
            return score(confidentMax()) >= block || embedded >= settings.maxEmbeddedWindows();
        }

        /** The caller's embedding, where {@code w} is the whole main text and one was given; else null. */
        private float[] reused(Window w, View main) {
            boolean whole = w.view == main
                    && w.start == 0
                    && w.end == main.text().clean().length();
            return whole && embedding != null && embedding.length == TextEmbedder.DIMENSION ? embedding : null;
        }

        /** The highest probability among windows decided so far (confident or embedded). */
        private double confidentMax() {
            double max = 0;
            for (Window w : windows) {
                if (w.embedded || detectors.confident(w.probability)) {
                    max = Math.max(max, w.probability);
                }
            }
            return max;
        }

        private void modelSignal() {
            Window best = null;
            for (Window w : windows) {
                if (best == null || w.probability > best.probability) {
                    best = w;
                }
            }
            if (best != null) {
                String excerpt = Excerpts.around(best.view.text().clean(), best.start, best.end, EXCERPT);
                signal(
                        best.embedded ? "model.embedding" : "model.ngram",
                        best.probability,
                        best.view.label() + excerpt);
            }
        }

        private void encodedPayloadSignal(List<View> views) {
            for (View view : views) {
                if (view.depth() == 0) {
                    continue;
                }
                double viewScore = viewRuleScores.getOrDefault(view, 0.0);
                for (Window w : windows) {
                    if (w.view == view) {
                        viewScore = 1 - (1 - viewScore) * (1 - w.probability);
                    }
                }
                if (viewScore >= 0.5) {
                    signal(
                            "encoded.payload",
                            rules.weight("encoded.payload", source),
                            view.label() + Excerpts.around(view.text().clean(), 0, 0, EXCERPT));
                    return;
                }
            }
        }

        private void signal(String id, double weight, String excerpt) {
            if (weight <= 0) {
                return;
            }
            Signal existing = signals.get(id);
            if (existing == null || existing.weight() < weight) {
                signals.put(id, new Signal(id, weight, excerpt));
            }
        }

        /** The combined score of the rule and detector signals with a model probability. */
        private double score(double modelProbability) {
            double keep = 1 - modelProbability;
            for (Signal s : signals.values()) {
                if (!s.id().startsWith("model.")) {
                    keep *= 1 - s.weight();
                }
            }
            return 1 - keep;
        }

        private Verdict verdict() {
            double keep = 1;
            for (Signal s : signals.values()) {
                keep *= 1 - s.weight();
            }
            double score = Math.min(1, Math.max(0, 1 - keep));
            Thresholds t = settings.thresholds().get(source);
            Verdict.Action action = score >= t.block()
                    ? Verdict.Action.BLOCK
                    : score >= t.flag() ? Verdict.Action.FLAG : Verdict.Action.ALLOW;
            List<Signal> sorted = signals.values().stream()
                    .sorted(Comparator.comparingDouble(Signal::weight).reversed())
                    .toList();
            return new Verdict(action, score, sorted, source);
        }
    }
}
