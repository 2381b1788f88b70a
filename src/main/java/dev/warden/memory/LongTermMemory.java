package dev.warden.memory;

import dev.warden.embedding.TextEmbedder;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Long-term memory: what a user said in earlier sessions, recalled for a new turn. The agent pipeline calls
 * {@link #recall} before the model stage (with the turn's embedding, computed once and shared with the firewall) and
 * {@link #remember} after a turn completed. Neither ever fails the turn: a recall that cannot be answered is a
 * {@link MemoryRecall} with an {@code error}; what is remembered is in the database when {@code remember} completes
 * and reaches the index in the background ({@link MemoryIndexer}), however long the store is down.
 */
@ApplicationScoped
public class LongTermMemory {

    static final String USER_LABEL = "User: ";
    static final String ANSWER_LABEL = "Assistant: ";

    private final MemoryRepository repository;
    private final MemoryStores stores;
    private final MemoryIndexer indexer;
    private final TextEmbedder embedder;
    private final MemoryConfig config;

    LongTermMemory(
            MemoryRepository repository,
            MemoryStores stores,
            MemoryIndexer indexer,
            TextEmbedder embedder,
            MemoryConfig config) {
        this.repository = repository;
        this.stores = stores;
        this.indexer = indexer;
        this.embedder = embedder;
        this.config = config;
    }

    /**
     * Remembers a completed exchange for its user. The returned {@code Uni} completes, off the event loop, once the
     * memory is committed to the database (a few milliseconds: durable from then on, even through {@code kill -9});
     * embedding and indexing follow in the background, so the next turn never waits for them. Emits the ids of the
     * memories made (none for an exchange with no text; several for a long one, cut into pieces).
     */
    public Uni<List<String>> remember(Exchange exchange) {
        return Uni.createFrom()
                .item(() -> rememberNow(exchange))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** {@link #remember} on the calling thread (blocking). */
    public List<String> rememberNow(Exchange exchange) {
        List<String> pieces = pieces(exchange.userText(), exchange.answer());
        if (pieces.isEmpty()) {
            return List.of();
        }
        List<StoredMemory> memories = new ArrayList<>();
        for (int part = 0; part < pieces.size(); part++) {
            memories.add(new StoredMemory(
                    UUID.randomUUID().toString(),
                    exchange.userId(),
                    exchange.sessionId(),
                    exchange.turnId(),
                    part,
                    pieces.get(part),
                    exchange.at()));
        }
        repository.insert(memories, Instant.now());
        indexer.wake();
        return memories.stream().map(StoredMemory::id).toList();
    }

    /**
     * The text of an exchange as memories: one piece ({@code User: … / Assistant: …}) when it fits in
     * {@code warden.memory.remember.chunk-chars}, else the user's text and the answer each cut into labelled pieces, at
     * most {@code warden.memory.remember.max-chunks} in all (the user's first).
     */
    List<String> pieces(String userText, String answer) {
        String said = userText.strip();
        String answered = answer.strip();
        int max = config.remember().chunkChars();
        StringBuilder whole = new StringBuilder();
        if (!said.isEmpty()) {
            whole.append(USER_LABEL).append(said);
        }
        if (!answered.isEmpty()) {
            whole.append(whole.isEmpty() ? "" : "\n").append(ANSWER_LABEL).append(answered);
        }
        if (whole.isEmpty()) {
            return List.of();
        }
        if (whole.length() <= max) {
            return List.of(whole.toString());
        }
        List<String> pieces = new ArrayList<>();
        for (String piece : Chunker.chunks(said, max - USER_LABEL.length())) {
            pieces.add(USER_LABEL + piece);
        }
        for (String piece : Chunker.chunks(answered, max - ANSWER_LABEL.length())) {
            pieces.add(ANSWER_LABEL + piece);
        }
        int keep = config.remember().maxChunks();
        if (pieces.size() > keep) {
            Log.infof("An exchange of %d pieces is remembered by its first %d", pieces.size(), keep);
            return List.copyOf(pieces.subList(0, keep));
        }
        return pieces;
    }

    /** {@link #recall(String, String, float[], int, double)} with the configured limit and relevance floor. */
    public Uni<MemoryRecall> recall(String userId, String queryText, float[] queryVector) {
        return recall(userId, queryText, queryVector, io.opentelemetry.context.Context.current());
    }

    /**
     * As {@link #recall(String, String, float[])}, with {@code trace} current while the store is asked, so a call to a
     * Chroma server carries the turn's {@code traceparent}.
     */
    public Uni<MemoryRecall> recall(
            String userId, String queryText, float[] queryVector, io.opentelemetry.context.Context trace) {
        return recall(
                userId,
                queryText,
                queryVector,
                config.recall().limit(),
                config.recall().minScore(),
                trace);
    }

    /**
     * The user's memories most relevant to a message, best first: at most {@code limit}, none below {@code minScore},
     * never another user's, never a forgotten one. {@code queryVector} is the message's embedding from
     * {@link TextEmbedder} (computed here when null). Runs off the event loop; never fails: a store that fails or takes
     * longer than {@code warden.memory.recall.timeout} gives a recall with an {@code error} and no items.
     */
    public Uni<MemoryRecall> recall(String userId, String queryText, float[] queryVector, int limit, double minScore) {
        return recall(userId, queryText, queryVector, limit, minScore, io.opentelemetry.context.Context.current());
    }

    private Uni<MemoryRecall> recall(
            String userId,
            String queryText,
            float[] queryVector,
            int limit,
            double minScore,
            io.opentelemetry.context.Context trace) {
        return Uni.createFrom()
                .item(() -> MemoryRecall.of(recallNow(userId, queryText, queryVector, limit, minScore)))
                .runSubscriptionOn(trace.wrap((java.util.concurrent.Executor) Infrastructure.getDefaultWorkerPool()))
                .ifNoItem()
                .after(config.recall().timeout())
                .recoverWithItem(() -> {
                    Log.warnf(
                            "Memory recall took longer than %s; the turn goes on without it",
                            config.recall().timeout());
                    return MemoryRecall.failed(
                            MemoryRecall.TIMEOUT,
                            "no answer within " + config.recall().timeout());
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    Log.warnf("Memory recall failed; the turn goes on without it: %s", failure.toString());
                    return MemoryRecall.failed(MemoryRecall.UNAVAILABLE, failure.getMessage());
                });
    }

    /**
     * The recall itself, blocking; throws {@link MemoryStoreException} when the store fails. Asks the store for more
     * than needed and keeps only memories still in the database, so a memory forgotten while its removal from the
     * index waits (the store was down) is never recalled.
     */
    public List<RecalledMemory> recallNow(
            String userId, String queryText, float[] queryVector, int limit, double minScore) {
        String text = queryText == null ? "" : queryText;
        float[] vector = queryVector != null ? queryVector : embedder.embed(text);
        List<MemoryHit> hits = stores.get().search(MemoryQuery.hybrid(userId, text, vector, limit * 2, minScore));
        Map<String, StoredMemory> current =
                repository.owned(userId, hits.stream().map(MemoryHit::id).toList());
        List<RecalledMemory> recalled = new ArrayList<>();
        for (MemoryHit hit : hits) {
            StoredMemory memory = current.get(hit.id());
            if (memory != null && recalled.size() < limit) {
                recalled.add(
                        new RecalledMemory(memory.id(), memory.text(), hit.score(), memory.sessionId(), memory.at()));
            }
        }
        return recalled;
    }

    /**
     * The user's memories most relevant to {@code query}, best first, above the configured relevance floor (blocking;
     * embeds the query; throws {@link MemoryStoreException} when the store fails).
     */
    public List<RecalledMemory> search(String userId, String query, int limit) {
        return recallNow(userId, query, null, limit, config.recall().minScore());
    }

    /** The user's memories, newest first (blocking). */
    public List<StoredMemory> newest(String userId, int limit) {
        return repository.newest(userId, limit);
    }

    /** Forgets one memory of this user; false when the user has no such memory (blocking). */
    public boolean forget(String userId, String memoryId) {
        boolean deleted = repository.delete(userId, memoryId, Instant.now());
        if (deleted) {
            indexer.wake();
        }
        return deleted;
    }

    /** Forgets what this user's session taught (its session was deleted); returns how many memories (blocking). */
    public int forgetSession(String userId, String sessionId) {
        int deleted = repository.deleteSession(userId, sessionId, Instant.now());
        if (deleted > 0) {
            indexer.wake();
        }
        return deleted;
    }

    /** Forgets every memory of this user; returns how many there were (blocking). */
    public int forgetAll(String userId) {
        int deleted = repository.deleteAll(userId, Instant.now());
        indexer.wake();
        return deleted;
    }

    /** Queues every memory of every user to be indexed again, e.g. after the Chroma server lost its data. */
    public int reindex() {
        int queued = repository.enqueueAll(Instant.now());
        indexer.wake();
        return queued;
    }

    /** The chosen store's kind: {@code embedded} or {@code chroma}. */
    public String storeKind() {
        return stores.kind();
    }
}
