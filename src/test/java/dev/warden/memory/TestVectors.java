package dev.warden.memory;

import java.util.Locale;
import java.util.Random;

/**
 * Stand-in embeddings for store tests that are not about embedding quality: a text's words hashed into 384 signed
 * buckets and scaled to unit length, so texts sharing words are near and texts sharing none are nearly orthogonal.
 * Deterministic, and fast enough for a hundred thousand memories.
 */
final class TestVectors {

    static final int DIMENSION = 384;

    private TestVectors() {}

    static float[] of(String text) {
        float[] v = new float[DIMENSION];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.isEmpty()) {
                continue;
            }
            int h = word.hashCode();
            v[Math.floorMod(h, DIMENSION)] += (h & 0x40000000) == 0 ? 1 : -1;
        }
        return normalize(v);
    }

    static float[] random(Random random) {
        float[] v = new float[DIMENSION];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return normalize(v);
    }

    static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm == 0) {
            v[0] = 1;
            return v;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }
}
