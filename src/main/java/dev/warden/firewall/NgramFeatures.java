package dev.warden.firewall;

import java.util.Arrays;

/**
 * Hashed features of a piece of normalised ({@code folded}) text for the cheap first-pass model: character 3-, 4- and
 * 5-grams plus word unigrams and bigrams, hashed with signs into {@code 2^bits} buckets, counts damped with
 * {@code log(1 + n)}, the vector scaled to unit length. Deterministic across JVMs (no {@code hashCode}).
 */
public final class NgramFeatures {

    static final int MIN_N = 3;
    static final int MAX_N = 5;
    private static final int CHAR_SEED = 0x811C9DC5;
    private static final int WORD_SEED = 0x3C6EF372;
    private static final int BIGRAM_SEED = 0x1B873593;

    private NgramFeatures() {}

    /** A sparse unit vector: bucket indices (distinct) and their values. */
    public record Sparse(int[] index, float[] value) {

        public double dot(float[] weights) {
            double s = 0;
            for (int i = 0; i < index.length; i++) {
                s += weights[index[i]] * value[i];
            }
            return s;
        }
    }

    /** The features of {@code folded[from, to)}. */
    public static Sparse extract(String folded, int from, int to, int bits) {
        int mask = (1 << bits) - 1;
        int len = Math.max(0, to - from);
        int capacity = Integer.highestOneBit(Math.max(64, len * 8)) << 1;
        Table table = new Table(capacity);
        // character n-grams, with a space before and after the window as word boundary
        for (int i = -1; i < len; i++) {
            int h = CHAR_SEED;
            for (int n = 0; n < MAX_N; n++) {
                int k = i + n;
                if (k > len) {
                    break;
                }
                char c = k < 0 || k == len ? ' ' : folded.charAt(from + k);
                h = (h ^ c) * 0x01000193;
                if (n + 1 >= MIN_N) {
                    table.add(mix(h + n), mask);
                }
            }
        }
        // words and word pairs
        int prev = 0;
        int i = 0;
        while (i < len) {
            char c = folded.charAt(from + i);
            if (!Character.isLetterOrDigit(c)) {
                i++;
                continue;
            }
            int h = WORD_SEED;
            while (i < len && Character.isLetterOrDigit(folded.charAt(from + i))) {
                h = (h ^ folded.charAt(from + i)) * 0x01000193;
                i++;
            }
            table.add(mix(h), mask);
            if (prev != 0) {
                table.add(mix(prev * 31 + h + BIGRAM_SEED), mask);
            }
            prev = h;
        }
        return table.toSparse();
    }

    /** Murmur3's finaliser: spreads the FNV hash over all bits; the top bit gives the sign. */
    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /** Open-addressing map from bucket to signed count. */
    private static final class Table {
        private final int[] keys;
        private final float[] counts;
        private int size;

        Table(int capacity) {
            keys = new int[capacity];
            Arrays.fill(keys, -1);
            counts = new float[capacity];
        }

        void add(int hash, int mask) {
            int bucket = hash & mask;
            float sign = hash < 0 ? -1f : 1f;
            int slot = (bucket * 0x9E3779B1) & (keys.length - 1);
            while (keys[slot] != -1 && keys[slot] != bucket) {
                slot = (slot + 1) & (keys.length - 1);
            }
            if (keys[slot] == -1) {
                keys[slot] = bucket;
                size++;
            }
            counts[slot] += sign;
        }

        Sparse toSparse() {
            int[] index = new int[size];
            float[] value = new float[size];
            int n = 0;
            double norm = 0;
            for (int s = 0; s < keys.length; s++) {
                if (keys[s] != -1 && counts[s] != 0) {
                    float c = counts[s];
                    float v = (float) (Math.signum(c) * Math.log1p(Math.abs(c)));
                    index[n] = keys[s];
                    value[n++] = v;
                    norm += v * v;
                }
            }
            float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
            for (int k = 0; k < n; k++) {
                value[k] *= scale;
            }
            return new Sparse(Arrays.copyOf(index, n), Arrays.copyOf(value, n));
        }
    }
}
