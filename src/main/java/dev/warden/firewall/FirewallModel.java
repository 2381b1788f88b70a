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
 * head on the sentence embedding, the cascade threshold, and a record of the training (data hash, cross-validated
 * metrics, date).
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
        Map<String, Object> metrics) {

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
}
