package dev.warden.firewall;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.embedding.TextEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The learned detectors of a {@link FirewallModel}, ready to score windows of text. */
public final class Detectors {

    static final String BUILT_IN = "firewall/model.json";

    private final FirewallModel model;
    private final int bits;
    private final float[] ngramWeights;
    private final float[] embeddingWeights;
    private final double[] stackWeights;
    /** For each of the model's stack features, its index in {@link FirewallModel.Stack#FEATURES}. */
    private final int[] stackColumns;

    private final NeighbourIndex neighbours;

    public Detectors(FirewallModel model) {
        this.model = model;
        this.bits = model.ngram().bits();
        this.ngramWeights = model.ngram().weights();
        this.embeddingWeights = new float[model.embedding().weights().size()];
        for (int i = 0; i < embeddingWeights.length; i++) {
            embeddingWeights[i] = model.embedding().weights().get(i).floatValue();
        }
        this.neighbours = model.neighbours() == null ? null : NeighbourIndex.decode(model.neighbours());
        if (model.stack() != null) {
            List<String> features = model.stack().features();
            List<String> all = FirewallModel.Stack.FEATURES;
            if (!(features.equals(all) || features.equals(FirewallModel.Stack.FEATURES_WITHOUT_NEIGHBOURS))
                    || model.stack().weights().size() != features.size()) {
                throw new IllegalArgumentException("Firewall model: stack features must be " + all + " (or "
                        + FirewallModel.Stack.FEATURES_WITHOUT_NEIGHBOURS + ") with one weight each");
            }
            this.stackWeights = model.stack().weights().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            this.stackColumns = features.stream().mapToInt(all::indexOf).toArray();
            for (int i = 0; i < features.size(); i++) {
                if (features.get(i).startsWith("knn.") && stackWeights[i] != 0 && neighbours == null) {
                    throw new IllegalArgumentException(
                            "Firewall model: the stack weighs " + features.get(i) + " but the model has no neighbours");
                }
            }
        } else {
            this.stackWeights = null;
            this.stackColumns = null;
        }
    }

    /**
     * The detectors of the model file, or of the built-in model. A model whose embedding head was trained on vectors
     * of another embedding model than {@link TextEmbedder#MODEL_NAME} is refused: its weights would score vectors
     * they were not fitted to, silently.
     */
    public static Detectors load(Optional<Path> file) {
        FirewallModel model = file.isPresent() ? read(file.get()) : readBuiltIn();
        String embeddedWith =
                model.embedding() == null ? null : model.embedding().model();
        if (!TextEmbedder.MODEL_NAME.equals(embeddedWith)) {
            throw new IllegalArgumentException(
                    "Firewall model " + file.map(Path::toString).orElse(BUILT_IN)
                            + " was trained on " + embeddedWith + " embeddings, but Warden embeds with "
                            + TextEmbedder.MODEL_NAME + "; retrain it (docs/firewall.md, \"Training\")");
        }
        return new Detectors(model);
    }

    public static FirewallModel read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return mapper().readValue(in, FirewallModel.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read firewall model " + file + ": " + e.getMessage(), e);
        }
    }

    static FirewallModel readBuiltIn() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try (InputStream in = cl != null && cl.getResource(BUILT_IN) != null
                ? cl.getResourceAsStream(BUILT_IN)
                : Detectors.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(
                        "Missing resource " + BUILT_IN + "; run TrainFirewall (docs/firewall.md)");
            }
            return mapper().readValue(in, FirewallModel.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    public FirewallModel model() {
        return model;
    }

    /** The n-gram model's log-odds for {@code folded[from, to)}. */
    public double ngramLogit(String folded, int from, int to) {
        return model.ngram().bias()
                + NgramFeatures.extract(folded, from, to, bits).dot(ngramWeights);
    }

    /** The embedding head's log-odds for an embedding of the window. */
    public double embeddingLogit(float[] embedding) {
        double s = model.embedding().bias();
        int n = Math.min(embedding.length, embeddingWeights.length);
        for (int i = 0; i < n; i++) {
            s += embeddingWeights[i] * embedding[i];
        }
        return s;
    }

    /**
     * The probability of a window that was embedded: the lower of the two detectors' probabilities, so a window is
     * suspicious only when both find it so. (In cross-validation this cut false positives at a given recall well
     * below a learned linear combination's: each detector alone is confidently wrong on different texts.)
     */
    public double combined(double ngramLogit, double embeddingLogit) {
        return sigmoid(Math.min(ngramLogit, embeddingLogit));
    }

    /**
     * The probability of a window that was embedded, from the model's stacked combiner when it has one (a logistic
     * regression over both detectors' log-odds, the text's rule score, its source, its length band and the window's
     * nearest-neighbour features), else {@link #combined(double, double)}.
     */
    public double combined(double ngramLogit, float[] embedding, double ruleScore, Source source, int textLength) {
        double embeddingLogit = embeddingLogit(embedding);
        if (stackWeights == null) {
            return combined(ngramLogit, embeddingLogit);
        }
        double[] x = FirewallModel.Stack.features(
                ruleScore, ngramLogit, embeddingLogit, source == Source.TOOL, textLength, neighbourFeatures(embedding));
        double z = 0;
        for (int i = 0; i < stackWeights.length; i++) {
            z += stackWeights[i] * x[stackColumns[i]];
        }
        return sigmoid(z);
    }

    /** {@link NeighbourIndex#features(float[])}, or zeros when the model has no neighbours. */
    public double[] neighbourFeatures(float[] embedding) {
        return neighbours == null ? new double[2] : neighbours.features(embedding);
    }

    /** Whether the n-gram probability {@code p} clears the window without the embedding. */
    public boolean confident(double p) {
        return p <= model.cascade().low();
    }

    /** {@code [start, end)} windows covering a text of {@code length} characters, at white space where possible. */
    public List<int[]> windows(String text) {
        return windows(text, model.windows().size(), model.windows().stride());
    }

    public static List<int[]> windows(String text, int size, int stride) {
        int length = text.length();
        List<int[]> out = new ArrayList<>();
        if (length <= size) {
            out.add(new int[] {0, length});
            return out;
        }
        int start = 0;
        while (true) {
            int end = Math.min(length, start + size);
            if (end < length) {
                int snapped = end;
                while (snapped > end - 40 && snapped > start && !Character.isWhitespace(text.charAt(snapped - 1))) {
                    snapped--;
                }
                if (snapped > end - 40 && snapped > start) {
                    end = snapped;
                }
            }
            out.add(new int[] {start, end});
            if (end >= length) {
                break;
            }
            int next = start + stride;
            if (next + size > length) {
                next = Math.max(next, length - size);
            }
            int snapped = next;
            while (snapped < next + 40 && snapped < length && !Character.isWhitespace(text.charAt(snapped - 1))) {
                snapped++;
            }
            start = snapped < next + 40 && snapped < length ? snapped : next;
        }
        return out;
    }

    public static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
