package dev.warden.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.testing.ProviderFakes;
import dev.warden.testing.Users;
import dev.warden.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no provider configured the service starts, and a turn says what to set. */
@QuarkusTest
@TestProfile(UnconfiguredModelTest.Unconfigured.class)
@QuarkusTestResource(ProviderFakes.class)
class UnconfiguredModelTest {

    public static class Unconfigured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "warden.model.openai.api-key", "",
                    "warden.model.openai.base-url", "https://api.openai.com/v1/");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aTurnEndsWithModelNotConfiguredSayingWhatToSet() {
        try (WsClient ws = WsClient.connect(base, Users.newUserToken(), "")) {
            ws.await("session_ready");
            ws.say("hello?");
            List<JsonNode> turn = ws.untilTurnCompleted();
            assertThat(turn.stream().map(m -> m.path("type").asText()))
                    .containsExactly("turn_started", "firewall_verdict", "memory_recall", "error", "turn_completed");
            JsonNode error = turn.get(3);
            assertThat(error.path("code").asText()).isEqualTo("model_not_configured");
            assertThat(error.path("message").asText())
                    .contains("QUARKUS_LANGCHAIN4J_OPENAI_API_KEY")
                    .contains("WARDEN_MODEL_PROVIDER");
            assertThat(turn.getLast().path("finishReason").asText()).isEqualTo("error");

            ws.send("ping");
            assertThat(ws.await("pong").path("seq").asLong())
                    .isEqualTo(turn.getLast().path("seq").asLong());
        }
    }
}
