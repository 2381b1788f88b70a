package dev.warden.firewall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The embeddings of the training windows, for the stacked combiner's nearest-neighbour features: how much closer a
 * window is to the nearest known attack than to the nearest known benign text (cosine similarity), and how close it is
 * to the nearest attack. A linear head on the embedding draws one boundary through the whole space; these features
 * let the combiner see that a text is a near paraphrase of a known attack (or of a known benign text) even where
 * that boundary puts it on the wrong side.
 *
 * <p>Vectors are stored L2-normalised and quantised to int8 with one float16 scale each (in the Python prototype of
 * docs/firewall.md, cross-validated results were identical to float64; {@code NeighbourIndexTest} bounds the error). Attacks come first, then benign windows. A query costs one pass over all vectors: about
 * 520 K multiply-adds for the 1,363 vectors of the shipped model, 0.26 ms on this machine.
 */
public final class NeighbourIndex {

    private final int dims;
    private final int attacks;
    private final int size;
    private final byte[] vectors;
    private final float[] scales;

    private NeighbourIndex(int dims, int attacks, byte[] vectors, float[] scales) {
        this.dims = dims;
        this.attacks = attacks;
        this.size = scales.length;
        this.vectors = vectors;
        this.scales = scales;
        if (attacks < 0 || attacks > size || vectors.length != size * dims) {
            throw new IllegalArgumentException("Firewall model: neighbours hold " + vectors.length + " bytes for "
                    + size + " vectors of " + dims + " dimensions (" + attacks + " attacks)");
        }
    }

    /** Quantises {@code attackVectors} and {@code benignVectors} (any length, not necessarily normalised). */
    public static NeighbourIndex of(List<float[]> attackVectors, List<float[]> benignVectors) {
        int n = attackVectors.size() + benignVectors.size();
        int dims = n == 0 ? 0 : (attackVectors.isEmpty() ? benignVectors : attackVectors).get(0).length;
        byte[] q = new byte[n * dims];
        float[] scales = new float[n];
        int i = 0;
        for (List<float[]> list : List.of(attackVectors, benignVectors)) {
            for (float[] v : list) {
                if (v.length != dims) {
                    throw new IllegalArgumentException("vectors of different lengths: " + v.length + ", " + dims);
                }
                double norm = norm(v);
                double max = 0;
                for (float f : v) {
                    max = Math.max(max, Math.abs(f / norm));
                }
                // the scale is stored as float16: quantise against the stored value
                float scale = max == 0 ? 0 : Float.float16ToFloat(Float.floatToFloat16((float) (max / 127)));
                for (int d = 0; d < dims; d++) {
                    q[i * dims + d] =
                            scale == 0 ? 0 : (byte) Math.max(-127, Math.min(127, Math.round(v[d] / norm / scale)));
                }
                scales[i++] = scale;
            }
        }
        return new NeighbourIndex(dims, attackVectors.size(), q, scales);
    }

    /** The index stored in a model file. */
    public static NeighbourIndex decode(FirewallModel.Neighbours stored) {
        byte[] vectors = Base64.getDecoder().decode(stored.vectorsInt8());
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(stored.scalesFloat16()))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] scales = new float[stored.attacks() + stored.benign()];
        if (buf.remaining() != scales.length * 2) {
            throw new IllegalArgumentException("Firewall model: neighbours hold " + buf.remaining() / 2 + " scales for "
                    + scales.length + " vectors");
        }
        for (int i = 0; i < scales.length; i++) {
            scales[i] = Float.float16ToFloat(buf.getShort());
        }
        return new NeighbourIndex(stored.dimensions(), stored.attacks(), vectors, scales);
    }

    public FirewallModel.Neighbours encode() {
        ByteBuffer buf = ByteBuffer.allocate(size * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : scales) {
            buf.putShort(Float.floatToFloat16(s));
        }
        return new FirewallModel.Neighbours(
                dims,
                attacks,
                size - attacks,
                Base64.getEncoder().encodeToString(vectors),
                Base64.getEncoder().encodeToString(buf.array()));
    }

    public int size() {
        return size;
    }

    /** {@code {margin, attack}}: see {@link #features(float[], IntPredicate)}; every stored vector counts. */
    public double[] features(float[] embedding) {
        return features(embedding, null);
    }

    /**
     * {@code {s_attack − s_benign, s_attack}}, where {@code s_attack} and {@code s_benign} are the highest cosine
     * similarities of {@code embedding} to a stored attack and to a stored benign vector; a class with no vector
     * counts as similarity 0. {@code include}, when given, selects the stored vectors by index (training leaves out
     * a text's own fold).
     */
    public double[] features(float[] embedding, IntPredicate include) {
        if (embedding.length != dims) {
            return new double[] {0, 0};
        }
        double norm = norm(embedding);
        double bestAttack = Double.NEGATIVE_INFINITY;
        double bestBenign = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            if (include != null && !include.test(i)) {
                continue;
            }
            int base = i * dims;
            float dot = 0;
            for (int d = 0; d < dims; d++) {
                dot += embedding[d] * vectors[base + d];
            }
            double s = dot * scales[i];
            if (i < attacks) {
                bestAttack = Math.max(bestAttack, s);
            } else {
                bestBenign = Math.max(bestBenign, s);
            }
        }
        double a = bestAttack == Double.NEGATIVE_INFINITY ? 0 : bestAttack / norm;
        double b = bestBenign == Double.NEGATIVE_INFINITY ? 0 : bestBenign / norm;
        return new double[] {a - b, a};
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f * f;
        }
        return s == 0 ? 1 : Math.sqrt(s);
    }
}
