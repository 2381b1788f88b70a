package dev.warden.memory;

/** How a store ranks memories for a query. */
public enum SearchMode {
    /** Nearest embeddings (cosine similarity). */
    VECTOR,
    /** Keyword relevance (BM25). */
    KEYWORD,
    /** Both lists fused by reciprocal rank; a store that has only vectors answers with {@link #VECTOR}. */
    HYBRID
}
