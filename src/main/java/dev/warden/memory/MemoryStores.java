package dev.warden.memory;

import dev.warden.config.WardenConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * The store {@code warden.memory.store} chose, opened on first use (so a Chroma server that is down delays nothing,
 * and a command-line run that never recalls never opens the index). The embedded index is opened at start when the
 * database holds memories, so a damaged index shows at once; when it comes up empty while the database has memories
 * (first start after an upgrade, a deleted or moved-aside index), every memory is queued to be indexed again.
 */
@ApplicationScoped
public class MemoryStores {

    public static final String EMBEDDED = "embedded";
    public static final String CHROMA = "chroma";

    private final MemoryConfig config;
    private final Path indexPath;
    private final MemoryRepository repository;
    private final String kind;
    private MemoryStore store;

    MemoryStores(MemoryConfig config, WardenConfig warden, MemoryRepository repository) {
        this.config = config;
        this.indexPath = warden.dataDir().resolve("memory").resolve("index");
        this.repository = repository;
        this.kind = config.store().trim().toLowerCase(Locale.ROOT);
        if (!kind.equals(EMBEDDED) && !kind.equals(CHROMA)) {
            throw new ConfigurationException(
                    "WARDEN_MEMORY_STORE is '" + config.store() + "'; set it to embedded or chroma.");
        }
    }

    /** {@code embedded} or {@code chroma}. */
    public String kind() {
        return kind;
    }

    /** Where the embedded store keeps its index. */
    public Path indexPath() {
        return indexPath;
    }

    /** The store, opened now if it was not yet. Blocking; throws {@link MemoryStoreException} when it cannot open. */
    public synchronized MemoryStore get() {
        if (store == null) {
            store = open();
        }
        return store;
    }

    /** Opens the embedded index now if the database has memories for it. */
    synchronized void openAtStart() {
        if (kind.equals(EMBEDDED) && store == null && repository.count() > 0) {
            store = open();
        }
    }

    private MemoryStore open() {
        if (kind.equals(CHROMA)) {
            return new ChromaMemoryStore(
                    config.chroma().url(),
                    config.chroma().collection(),
                    config.chroma().timeout());
        }
        EmbeddedMemoryStore embedded =
                EmbeddedMemoryStore.open(indexPath, config.embedded().rebuildUnreadableIndex());
        if (embedded.startedEmpty()) {
            int queued = repository.enqueueAll(Instant.now());
            if (queued > 0) {
                Log.infof("The memory index at %s is new: %d memories queued to be indexed again", indexPath, queued);
            }
        }
        return embedded;
    }

    synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
