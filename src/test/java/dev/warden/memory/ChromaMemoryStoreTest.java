package dev.warden.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.testing.ChromaServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The contract against a real Chroma server ({@link ChromaServer}), through langchain4j's Chroma store. */
class ChromaMemoryStoreTest extends MemoryStoreContract {

    static final String COLLECTION = "contract-" + UUID.randomUUID();

    @Override
    protected MemoryStore open() {
        return new ChromaMemoryStore(ChromaServer.url(), COLLECTION, Duration.ofSeconds(5));
    }

    @Test
    void ranksByVectorsOnly() {
        assertThat(store.modes()).containsExactly(SearchMode.VECTOR);
        assertThat(store.kind()).isEqualTo("chroma");
    }

    @Test
    void anUnreachableServerIsAStoreFailureNotACrash() {
        try (MemoryStore down = new ChromaMemoryStore("http://127.0.0.1:9", COLLECTION, Duration.ofSeconds(2))) {
            String user = newUser();
            assertThatThrownBy(() -> down.search(query(user, "anything", 4)))
                    .isInstanceOf(MemoryStoreException.class)
                    .hasMessageContaining("127.0.0.1:9");
            assertThatThrownBy(() -> down.add(List.of(memory(user, "lost?")))).isInstanceOf(MemoryStoreException.class);
        }
    }
}
