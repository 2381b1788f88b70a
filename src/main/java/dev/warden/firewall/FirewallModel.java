package dev.warden.firewall;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The trained detectors, as stored in {@code firewall/model.json} by {@code TrainFirewall}: the n-gram model, the
 * head on the sentence embedding, the cascade threshold, the stacked combiner with the training windows' embeddings
 * it compares against, and a record of the training (data hash, cross-validated metrics, date). {@code stack} is null
 * in a model without a stacked combiner (embedded windows count with the lower of the two probabilities), and
 * {@code neighbours} in one whose combiner has no nearest-neighbour features.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FirewallModel(
        int version,
        String createdAt,
        Training training,
        Windows windows,
        Ngram ngram,
        Embedding embedding,
        Cascade cascade,
        Map<String, Object> metrics,
        Stack stack,
        Neighbours neighbours) {

    /** What the model was trained on and how. */
    @RegisterForReflection
    public record Training(String dataFile, String dataSha256, int rows, long seed, Map<String, Object> parameters) {}

    /** Texts longer than {@code size} characters are scanned in windows of {@code size}, starting every {@code stride}. */
    @RegisterForReflection
    public record Windows(int size, int stride) {}

    /** Logistic regression on {@link NgramFeatures}, weights as little-endian float16, base64. */
    @RegisterForReflection
    public record Ngram(int bits, double bias, String weightsFloat16) {

        public float[] weights() {
            byte[] bytes = Base64.getDecoder().decode(weightsFloat16);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] w = new float[1 << bits];
            for (int i = 0; i < w.length; i++) {
                w[i] = Float.float16ToFloat(buf.getShort());
            }
            return w;
        }

        public static String encode(float[] weights) {
            ByteBuffer buf = ByteBuffer.allocate(weights.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : weights) {
                buf.putShort(Float.floatToFloat16(f));
            }
            return Base64.getEncoder().encodeToString(buf.array());
        }
    }

    /** Logistic regression on the all-MiniLM-L6-v2 embedding of a window. */
    @RegisterForReflection
    public record Embedding(String model, double bias, List<Double> weights) {}

    /**
     * The n-gram model clears a window alone when its probability is at most {@code low}; any other window is
     * embedded, and its probability is the lower of the two detectors' (both must find it suspicious).
     */
    @RegisterForReflection
    public record Cascade(double low) {}

    /**
     * The stacked combiner of an embedded window: a logistic regression over {@link #FEATURES} (the rule score of
     * the text, both detectors' log-odds, the source, the text's length band and the window's nearest-neighbour
     * features, see {@link NeighbourIndex}), fitted on out-of-fold predictions of an inner split of the training
     * data, its bias shifted so that at most {@code benignBlockTarget} of those benign texts would be blocked at
     * {@code blockThreshold}. Models trained before the neighbour features have {@link #FEATURES_WITHOUT_NEIGHBOURS}.
     */
    @RegisterForReflection
    public record Stack(List<String> features, List<Double> weights, double benignBlockTarget, double blockThreshold) {

        public static final List<String> FEATURES = List.of(
                "rule",
                "ngram",
                "embedding",
                "min",
                "tool",
                "tool*ngram",
                "tool*embedding",
                "length<=100",
                "length<=300",
                "length<=1000",
                "length>1000",
                "knn.margin",
                "knn.attack",
                "bias");

        /** The features of models trained before {@code knn.margin} and {@code knn.attack}. */
        public static final List<String> FEATURES_WITHOUT_NEIGHBOURS =
                FEATURES.stream().filter(f -> !f.startsWith("knn.")).toList();

        /**
         * The feature vector of one window, in the order of {@link #FEATURES}; {@code neighbours} is
         * {@link NeighbourIndex#features}' {@code {margin, attack}}.
         */
        public static double[] features(
                double ruleScore,
                double ngramLogit,
                double embeddingLogit,
                boolean tool,
                int textLength,
                double[] neighbours) {
            double t = tool ? 1 : 0;
            return new double[] {
                ruleScore,
                ngramLogit,
                embeddingLogit,
                Math.min(ngramLogit, embeddingLogit),
                t,
                t * ngramLogit,
                t * embeddingLogit,
                textLength <= 100 ? 1 : 0,
                textLength > 100 && textLength <= 300 ? 1 : 0,
                textLength > 300 && textLength <= 1000 ? 1 : 0,
                textLength > 1000 ? 1 : 0,
                neighbours[0],
                neighbours[1],
                1
            };
        }
    }

    /**
     * The training windows' embeddings for the nearest-neighbour features: {@code attacks} attack windows, then
     * {@code benign} benign ones, each L2-normalised and quantised to int8 ({@code dimensions} bytes, base64), with
     * one little-endian float16 scale each (base64). See {@link NeighbourIndex}.
     */
    @RegisterForReflection
    public record Neighbours(int dimensions, int attacks, int benign, String vectorsInt8, String scalesFloat16) {}
}
