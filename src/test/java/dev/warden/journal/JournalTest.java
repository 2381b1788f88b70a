package dev.warden.journal;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testing.OpenAiStubs;
import dev.warden.testing.ProviderFakes;
import dev.warden.testing.Users;
import dev.warden.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class JournalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    String token;
    String marker;

    @BeforeEach
    void fresh() {
        token = Users.newUserToken();
        marker = "J" + UUID.randomUUID().toString().replace("-", "");
    }

    List<JsonNode> events(String sessionId, boolean facts) throws Exception {
        String body = given().auth()
                .oauth2(token)
                .queryParam("facts", facts)
                .get("/api/sessions/" + sessionId + "/events")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<JsonNode> events = new ArrayList<>();
        JSON.readTree(body).forEach(events::add);
        return events;
    }

    @Test
    void everyStepOfATurnIsJournaledInOrderAndTheClientSeesOnlyItsEvents() throws Exception {
        OpenAiStubs.timeToolThenAnswer(marker, "Europe/Oslo", "Done.");
        String sessionId;
        List<JsonNode> received;
        try (WsClient ws = WsClient.connect(base, token, "")) {
            sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("what time in Oslo " + marker);
            received = ws.untilTurnCompleted();
        }
        List<JsonNode> visible = events(sessionId, false);
        assertThat(visible).isEqualTo(received);

        List<JsonNode> all = events(sessionId, true);
        assertThat(all.stream().map(e -> e.path("type").asText()))
                .containsExactly(
                        "turn_started",
                        "message_received",
                        "firewall_verdict",
                        "user_input",
                        "memory_recall",
                        "model_request",
                        "model_response",
                        "tool_call",
                        "tool_invocation",
                        "tool_result",
                        "model_request",
                        "token",
                        "model_response",
                        "conversation",
                        "turn_completed");
        long seq = 0;
        int sub = 0;
        for (JsonNode event : all) {
            if (event.has("sub")) {
                assertThat(event.path("seq").asLong()).isEqualTo(seq);
                assertThat(event.path("sub").asInt()).isEqualTo(++sub);
            } else {
                assertThat(event.path("seq").asLong()).isEqualTo(++seq);
                sub = 0;
            }
        }
        JsonNode firstRequest = all.get(5);
        assertThat(firstRequest.path("provider").asText()).isEqualTo("openai");
        assertThat(firstRequest.path("model").asText()).isEqualTo("gpt-test");
        assertThat(firstRequest.path("messages").toString()).contains("what time in Oslo " + marker);
        assertThat(firstRequest.path("tools").toString()).contains("current_time");
        // The generation parameters in effect are journaled, as the provider received them.
        assertThat(firstRequest.path("parameters").path("temperature").asDouble())
                .isEqualTo(0.25);
        String sent = ProviderFakes.wireMock()
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(marker)))
                .getFirst()
                .getBodyAsString();
        assertThat(JSON.readTree(sent).path("temperature").asDouble()).isEqualTo(0.25);
        JsonNode invocation = all.get(8);
        assertThat(invocation.path("arguments").asText()).isEqualTo("{\"timeZone\":\"Europe/Oslo\"}");
        assertThat(invocation.path("result").asText()).contains("(Europe/Oslo)");
        assertThat(all.get(6).path("finishReason").asText()).isEqualTo("tool_calls");
        JsonNode conversation = all.get(13).path("messages");
        assertThat(conversation).hasSize(4);
        assertThat(conversation.toString()).contains("Done.");
    }

    @Test
    void theConversationWindowIsReadFromTheJournal() throws Exception {
        OpenAiStubs.answer(
                marker,
                dev.warden.testing.OpenAiStream.create().text("Blue it is.").finish("stop", 1, 1));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("my colour is blue " + marker);
            ws.untilTurnCompleted();
            ws.say("and my colour? " + marker);
            ws.untilTurnCompleted();
        }
        var requests = ProviderFakes.wireMock()
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(marker)));
        JsonNode messages = JSON.readTree(requests.get(1).getBodyAsString()).path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(1).path("content").asText()).isEqualTo("my colour is blue " + marker);
        assertThat(messages.get(2).path("content").asText()).isEqualTo("Blue it is.");
    }
}
