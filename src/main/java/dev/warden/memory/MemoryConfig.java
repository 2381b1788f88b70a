package dev.warden.memory;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Long-term memory's settings, {@code warden.memory.*} next to {@code warden.memory.window-messages} (which belongs to
 * {@link dev.warden.config.WardenConfig}). Each is also an environment variable: {@code warden.memory.chroma.url} is
 * {@code WARDEN_MEMORY_CHROMA_URL}.
 */
@ConfigMapping(prefix = "warden.memory")
public interface MemoryConfig {

    /**
     * Long-term memory: remember each completed turn for its user and recall the most relevant memories in later turns
     * and sessions. When false, nothing is remembered or recalled (the REST API still lists and forgets what there is).
     * Default {@code true}.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Where memories are indexed for recall: {@code embedded} (Lucene under the data directory, hybrid retrieval) or
     * {@code chroma} (a Chroma server, vectors only). Default {@code embedded}.
     */
    @WithDefault("embedded")
    String store();

    Recall recall();

    Remember remember();

    Embedded embedded();

    Chroma chroma();

    interface Recall {
        /** How many memories a turn recalls at most. Default 4. */
        @WithDefault("4")
        int limit();

        /**
         * Relevance floor between 0 and 1: memories less relevant than this are not recalled (relevance is the stronger
         * of cosine similarity and keyword coverage, see docs/memory.md). Default 0.3.
         */
        @WithDefault("0.3")
        double minScore();

        /** How long a turn waits for its recall before it goes on without memories. Default 2 seconds. */
        @WithDefault("2s")
        Duration timeout();
    }

    interface Remember {
        /** Longest piece of an exchange kept as one memory, in characters; longer texts are cut. Default 1000. */
        @WithDefault("1000")
        int chunkChars();

        /** Most pieces kept of one exchange; the rest of a huge text is not remembered. Default 64. */
        @WithDefault("64")
        int maxChunks();

        /** Longest wait between two attempts to index a memory while the store fails. Default 60 seconds. */
        @WithDefault("60s")
        Duration maxRetryDelay();
    }

    interface Embedded {
        /**
         * At start, move an unreadable index directory aside and rebuild the index from the database; when false, refuse
         * to start and say so. Default {@code true}.
         */
        @WithDefault("true")
        boolean rebuildUnreadableIndex();
    }

    interface Chroma {
        /** Base URL of the Chroma server. Default {@code http://localhost:8000}. */
        @WithDefault("http://localhost:8000")
        String url();

        /** Chroma collection that holds every user's memories. Default {@code warden-memories}. */
        @WithDefault("warden-memories")
        String collection();

        /** Timeout of one call to Chroma. Default 5 seconds. */
        @WithDefault("5s")
        Duration timeout();
    }
}
