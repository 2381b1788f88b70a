package dev.warden.memory;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.chroma.ChromaApiVersion;
import dev.langchain4j.store.embedding.chroma.ChromaEmbeddingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The Chroma store: langchain4j's {@link ChromaEmbeddingStore} (API v2) against a Chroma server, one collection for
 * all users, each memory carrying its user's id as metadata and every query filtered by it. Chroma ranks by vectors
 * only (cosine); langchain4j's store exposes neither Chroma's document filter nor a keyword ranking, so hybrid searches
 * are answered by vectors. The connection is made on first use and again after a failure, so Warden starts, and
 * recovers, while the server is down.
 */
public final class ChromaMemoryStore implements MemoryStore {

    static final String USER = "user_id";
    static final String MEMORY = "memory_id";
    static final String SESSION = "session_id";
    static final String TURN = "turn_id";
    static final String AT = "at";

    private final String url;
    private final String collection;
    private final Duration timeout;
    private volatile ChromaEmbeddingStore store;

    public ChromaMemoryStore(String url, String collection, Duration timeout) {
        this.url = url;
        this.collection = collection;
        this.timeout = timeout;
    }

    @Override
    public String kind() {
        return "chroma";
    }

    @Override
    public Set<SearchMode> modes() {
        return EnumSet.of(SearchMode.VECTOR);
    }

    @Override
    public void add(List<MemoryRecord> memories) {
        if (memories.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>();
        List<Embedding> embeddings = new ArrayList<>();
        List<TextSegment> segments = new ArrayList<>();
        for (MemoryRecord memory : memories) {
            Metadata metadata = new Metadata()
                    .put(USER, memory.userId())
                    .put(MEMORY, memory.id())
                    .put(AT, memory.at().toEpochMilli());
            if (memory.sessionId() != null) {
                metadata.put(SESSION, memory.sessionId());
            }
            if (memory.turnId() != null) {
                metadata.put(TURN, memory.turnId());
            }
            ids.add(memory.id());
            embeddings.add(Embedding.from(EmbeddedMemoryStore.unit(memory.vector())));
            segments.add(TextSegment.from(memory.text(), metadata));
        }
        // Chroma ignores an add whose id it already has; removing first makes this a replace, as the contract says.
        call("add to", s -> {
            s.removeAll(ids);
            s.addAll(ids, embeddings, segments);
            return null;
        });
    }

    @Override
    public List<MemoryHit> search(MemoryQuery query) {
        // Chroma's score is 1 - distance / 2 = (1 + cosine) / 2.
        double minChromaScore = (1 + Math.max(query.minScore(), -1)) / 2;
        EmbeddingSearchRequest request = EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(EmbeddedMemoryStore.unit(query.vector())))
                .maxResults(query.limit())
                .minScore(minChromaScore)
                .filter(metadataKey(USER).isEqualTo(query.userId()))
                .build();
        List<EmbeddingMatch<TextSegment>> matches =
                call("search", s -> s.search(request).matches());
        List<MemoryHit> hits = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> match : matches) {
            TextSegment segment = match.embedded();
            if (segment == null || !query.userId().equals(segment.metadata().getString(USER))) {
                continue;
            }
            double cosine = 2 * match.score() - 1;
            Long at = segment.metadata().getLong(AT);
            hits.add(new MemoryHit(
                    match.embeddingId(),
                    segment.metadata().getString(SESSION),
                    segment.metadata().getString(TURN),
                    segment.text(),
                    at == null ? Instant.EPOCH : Instant.ofEpochMilli(at),
                    Math.min(1, Math.max(0, cosine))));
        }
        return hits;
    }

    @Override
    public void delete(String userId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        call("delete from", s -> {
            s.removeAll(
                    metadataKey(USER).isEqualTo(userId).and(metadataKey(MEMORY).isIn(List.copyOf(ids))));
            return null;
        });
    }

    @Override
    public void deleteUser(String userId) {
        call("delete from", s -> {
            s.removeAll(metadataKey(USER).isEqualTo(userId));
            return null;
        });
    }

    private <T> T call(String what, Function<ChromaEmbeddingStore, T> work) {
        try {
            return work.apply(connected());
        } catch (MemoryStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            // The collection may be gone (the server was reset): look it up again next time.
            store = null;
            throw new MemoryStoreException(
                    "Could not " + what + " the Chroma collection '" + collection + "' at " + url + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private ChromaEmbeddingStore connected() {
        ChromaEmbeddingStore current = store;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (store == null) {
                try {
                    store = ChromaEmbeddingStore.builder()
                            .apiVersion(ChromaApiVersion.V2)
                            .baseUrl(url)
                            .collectionName(collection)
                            .timeout(timeout)
                            .build();
                } catch (RuntimeException e) {
                    throw new MemoryStoreException("Chroma at " + url + " is not reachable: " + e.getMessage(), e);
                }
            }
            return store;
        }
    }

    @Override
    public void close() {
        store = null;
    }
}
