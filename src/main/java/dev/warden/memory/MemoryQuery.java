package dev.warden.memory;

import java.util.Objects;

/**
 * What to look for among one user's memories: the query's text (for keywords) and its embedding (for vectors), how
 * many hits at most, and the relevance floor. A hit's relevance is the stronger of two signals, each between 0 and 1:
 * the cosine similarity of its embedding to the query's (negative similarities count as 0), and the share of the
 * query's keywords it contains, each keyword weighted by its rarity among all memories (inverse document frequency),
 * so 1 means it has every keyword of the query. Hits below {@code minScore} are left out. (A store that only ranks by
 * vectors has only the first.)
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
