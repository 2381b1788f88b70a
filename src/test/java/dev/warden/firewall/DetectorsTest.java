package dev.warden.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.embedding.TextEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorsTest {

    @Test
    void theShippedModelWasTrainedOnTheEmbeddingsWardenComputes() {
        assertThat(Detectors.readBuiltIn().embedding().model()).isEqualTo(TextEmbedder.MODEL_NAME);
        assertThat(Detectors.load(Optional.empty())).isNotNull();
    }

    @Test
    void aModelTrainedOnAnotherEmbeddingModelIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
        ObjectNode tree;
        try (InputStream in = Detectors.class.getClassLoader().getResourceAsStream(Detectors.BUILT_IN)) {
            tree = (ObjectNode) Detectors.mapper().readTree(in);
        }
        Path same = dir.resolve("same.json");
        Detectors.mapper().writeValue(same.toFile(), tree);
        assertThat(Detectors.load(Optional.of(same))).isNotNull();

        ((ObjectNode) tree.get("embedding")).put("model", "all-MiniLM-L6-v2");
        Path other = dir.resolve("float.json");
        Detectors.mapper().writeValue(other.toFile(), tree);
        assertThatThrownBy(() -> Detectors.load(Optional.of(other)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("float.json")
                .hasMessageContaining("trained on all-MiniLM-L6-v2 embeddings")
                .hasMessageContaining("retrain");
    }
}
