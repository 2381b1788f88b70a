package dev.warden.memory;

import java.util.Objects;

/**
 * What to look for among one user's memories: the query's text (for keywords) and its embedding (for vectors), how
 * many hits at most, and the relevance floor. A hit's relevance is the stronger of two signals, each between 0 and 1:
 * the cosine similarity of its embedding to the query's (negative similarities count as 0), and the share of the
 * query's keywords it matches, weighted by their rarity (BM25 normalised by the query's own weight, so 1 means every
 * keyword matched about as often as in a typical memory). Hits below {@code minScore} are left out.
 */
public record MemoryQuery(String userId, String text, float[] vector, int limit, double minScore, SearchMode mode) {

    public MemoryQuery {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(mode, "mode");
        text = text == null ? "" : text;
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        if (vector == null && mode != SearchMode.KEYWORD) {
            throw new IllegalArgumentException("a " + mode + " search needs the query's embedding");
        }
    }

    public static MemoryQuery hybrid(String userId, String text, float[] vector, int limit, double minScore) {
        return new MemoryQuery(userId, text, vector, limit, minScore, SearchMode.HYBRID);
    }
}
