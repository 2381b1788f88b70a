package dev.warden.memory;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where long-term memories are indexed for retrieval. Two implementations, chosen by {@code warden.memory.store}:
 * {@link EmbeddedMemoryStore} (Lucene on local disk, hybrid retrieval) and {@link ChromaMemoryStore} (a Chroma server,
 * vectors only). Both pass the same contract tests. The database is the system of record ({@link MemoryRepository});
 * a store is an index that can be rebuilt from it.
 *
 * <p>Every method blocks and may throw {@link MemoryStoreException}; call them from a worker thread.
 */
public interface MemoryStore extends AutoCloseable {

    /** {@code embedded} or {@code chroma}. */
    String kind();

    /** The search modes this store ranks by itself; any other mode is answered as {@link SearchMode#VECTOR}. */
    Set<SearchMode> modes();

    /** Adds the memories, replacing any with the same id. They are durable when this returns. */
    void add(List<MemoryRecord> memories);

    /**
     * The user's memories that best match the query, best first, at most {@code query.limit()}, none below
     * {@code query.minScore()}, never another user's.
     */
    List<MemoryHit> search(MemoryQuery query);

    /** Removes these memories of this user (ids of other users' memories are ignored); durable when this returns. */
    void delete(String userId, Collection<String> ids);

    /** Removes every memory of this user; durable when this returns. */
    void deleteUser(String userId);

    @Override
    void close();
}
