package dev.warden.memory;

import dev.warden.db.Migrations;
import dev.warden.embedding.TextEmbedder;
import dev.warden.journal.NodeIdentity;
import dev.warden.memory.MemoryRepository.Row;
import dev.warden.memory.MemoryRepository.Task;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Drains the memory outbox into the store on one background thread ({@code warden-memory-indexer}): embeds what was
 * remembered, has the {@link MemoryScreen} decide what is kept, indexes it, applies deletions, in the order they were
 * queued. When the store fails, the tasks stay in the outbox and are tried again with a growing delay (1 s, 2 s, 4 s …
 * up to {@code warden.memory.remember.max-retry-delay}); nothing is dropped. Work left over by a crash is picked up at
 * the next start.
 */
@ApplicationScoped
public class MemoryIndexer {

    static final int BATCH = 64;
    static final Duration LEASE = Duration.ofMinutes(2);
    static final Duration IDLE_POLL = Duration.ofSeconds(5);
    /**
     * After this many tasks in one go (a rebuild of the index, a large import), the embedded index is merged into one
     * segment once the outbox is empty ({@link EmbeddedMemoryStore#compact()}): vector searches are then 1.5 to 3 times
     * cheaper than over the segments a bulk load leaves behind. Ordinary remembering leaves segments to Lucene's merge
     * policy.
     */
    static final int COMPACT_AFTER = 10_000;

    private final MemoryRepository repository;
    private final MemoryStores stores;
    private final TextEmbedder embedder;
    private final MemoryScreen screen;
    private final NodeIdentity node;
    private final MemoryConfig config;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    private long doneSinceCompaction;

    MemoryIndexer(
            MemoryRepository repository,
            MemoryStores stores,
            TextEmbedder embedder,
            MemoryScreen screen,
            NodeIdentity node,
            MemoryConfig config) {
        this.repository = repository;
        this.stores = stores;
        this.embedder = embedder;
        this.screen = screen;
        this.node = node;
        this.config = config;
    }

    void onStart(@Observes @Priority(Migrations.PRIORITY + 30) StartupEvent event) {
        stores.openAtStart();
        repository.release(node.id());
        int stale = repository.enqueueStaleVectors(Instant.now());
        if (stale > 0) {
            Log.infof(
                    "%d memories have vectors of another embedding model than %s: queued to be embedded again",
                    stale, TextEmbedder.MODEL_NAME);
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("warden-memory-indexer").start(this::loop);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        wake.release();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stores.close();
    }

    /** New work was queued: look now rather than at the next poll. */
    void wake() {
        wake.release();
    }

    private void loop() {
        while (running) {
            int done = 0;
            try {
                done = drainOnce();
            } catch (RuntimeException e) {
                Log.warnf("Memory indexing failed (%s); trying again shortly", e.toString());
            }
            doneSinceCompaction += done;
            if (done == 0 && running && doneSinceCompaction >= COMPACT_AFTER) {
                doneSinceCompaction = 0;
                compact();
            }
            if (done == 0 && running) {
                try {
                    wake.tryAcquire(untilNextDue().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Merges the embedded index after a bulk load, on this thread (the outbox is empty; new work waits meanwhile). */
    private void compact() {
        try {
            if (stores.get() instanceof EmbeddedMemoryStore embedded) {
                long start = System.nanoTime();
                embedded.compact();
                Log.infof(
                        "Memory index merged into one segment after a bulk load, in %d s",
                        Duration.ofNanos(System.nanoTime() - start).toSeconds());
            }
        } catch (RuntimeException e) {
            Log.warnf("Merging the memory index failed (searches are slower, nothing is lost): %s", e.toString());
        }
    }

    private Duration untilNextDue() {
        try {
            Instant due = repository.nextDue();
            if (due == null) {
                return IDLE_POLL;
            }
            Duration wait = Duration.between(Instant.now(), due);
            return wait.isNegative() ? Duration.ofMillis(50) : (wait.compareTo(IDLE_POLL) > 0 ? IDLE_POLL : wait);
        } catch (RuntimeException e) {
            return IDLE_POLL;
        }
    }

    /**
     * Does one batch of due tasks; returns how many were completed. Package-private so tests can drive it; the indexer
     * thread calls it too (the store serialises writes).
     */
    synchronized int drainOnce() {
        List<Task> tasks = repository.claim(node.id(), BATCH, LEASE, Instant.now());
        int completed = 0;
        int i = 0;
        while (i < tasks.size()) {
            Task first = tasks.get(i);
            int end = i + 1;
            if (first.op().equals(MemoryRepository.INDEX)) {
                while (end < tasks.size() && tasks.get(end).op().equals(MemoryRepository.INDEX)) {
                    end++;
                }
            }
            List<Task> group = tasks.subList(i, end);
            try {
                completed += apply(group);
            } catch (RuntimeException e) {
                // The store failed (or is not there): this task and the rest of the batch wait and are tried again.
                List<Task> rest = tasks.subList(i, tasks.size());
                Instant next = Instant.now().plus(backoff(first.attempts() + 1));
                repository.failed(rest, e.getMessage(), next);
                Log.warnf(
                        "Memory store %s failed; %d task(s) wait until %s: %s",
                        stores.kind(), rest.size(), next, e.getMessage());
                return completed;
            }
            i = end;
        }
        return completed;
    }

    private int apply(List<Task> group) {
        Task first = group.getFirst();
        switch (first.op()) {
            case MemoryRepository.DELETE -> stores.get().delete(first.userId(), List.of(first.memoryId()));
            case MemoryRepository.DELETE_USER -> stores.get().deleteUser(first.userId());
            case MemoryRepository.INDEX -> {
                return index(group);
            }
            default -> Log.errorf("Unknown memory outbox operation '%s' (seq %d) dropped", first.op(), first.seq());
        }
        repository.done(group);
        return group.size();
    }

    /** Indexes a run of memories: embeds and screens those not yet done, then adds them all at once. */
    private int index(List<Task> group) {
        Map<String, Row> rows =
                repository.rows(group.stream().map(Task::memoryId).toList());
        List<MemoryRecord> records = new ArrayList<>();
        List<Task> ready = new ArrayList<>();
        for (Task task : group) {
            Row row = rows.get(task.memoryId());
            if (row == null) {
                // Forgotten before it was indexed: nothing to do.
                ready.add(task);
                continue;
            }
            try {
                Optional<MemoryRecord> record = prepare(row);
                record.ifPresent(records::add);
                ready.add(task);
            } catch (RuntimeException e) {
                // This memory alone could not be prepared (embedding or screen failed): it waits, the others go on.
                Instant next = Instant.now().plus(backoff(task.attempts() + 1));
                repository.failed(List.of(task), e.toString(), next);
                Log.warnf(
                        "Could not prepare memory %s for the index (%s); trying again at %s", task.memoryId(), e, next);
            }
        }
        if (!records.isEmpty()) {
            stores.get().add(records);
        }
        repository.done(ready);
        return ready.size();
    }

    /** The record to index for a row: embedded and screened once, the outcome kept in the database. */
    private Optional<MemoryRecord> prepare(Row row) {
        StoredMemory m = row.memory();
        String text = m.text();
        float[] vector = row.vector();
        if (row.staleVector()) {
            // Admitted before under another embedding model: the text passed the screen then, so only the vector is
            // computed again (screening it again could drop a memory the user already had).
            vector = embedder.embed(text);
            repository.reembedded(m.id(), vector);
        } else if (vector == null) {
            vector = embedder.embed(text);
            Optional<String> admitted =
                    screen.admit(new MemoryScreen.Candidate(m.userId(), m.sessionId(), m.turnId(), text, vector));
            if (admitted.isEmpty() || admitted.get().isBlank()) {
                repository.refused(m.id());
                Log.infof("The memory screen refused a piece of turn %s; it is not remembered", m.turnId());
                return Optional.empty();
            }
            if (!admitted.get().equals(text)) {
                text = admitted.get();
                vector = embedder.embed(text);
            }
            repository.admitted(m.id(), text, vector);
        }
        return Optional.of(new MemoryRecord(m.id(), m.userId(), m.sessionId(), m.turnId(), text, m.at(), vector));
    }

    Duration backoff(int attempts) {
        long seconds = 1L << Math.min(Math.max(attempts - 1, 0), 20);
        Duration delay = Duration.ofSeconds(seconds);
        Duration max = config.remember().maxRetryDelay();
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
