package dev.warden.chat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.warden.testing.ProviderFakes;
import dev.warden.testing.Users;
import dev.warden.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A turn through langchain4j's real Gemini client, against Gemini's streamGenerateContent SSE format. */
@QuarkusTest
@TestProfile(GeminiTurnTest.Gemini.class)
@QuarkusTestResource(ProviderFakes.class)
class GeminiTurnTest {

    public static class Gemini implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("warden.model.provider", "gemini");
        }
    }

    static final String STREAM = "/v1beta/models/gemini-test:streamGenerateContent";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    static String event(String partsJson, String finishReason) {
        String finish = finishReason == null ? "" : ",\"finishReason\":\"" + finishReason + "\"";
        return "data: {\"candidates\":[{\"content\":{\"parts\":[" + partsJson + "],\"role\":\"model\"},\"index\":0"
                + finish + "}],\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":4,"
                + "\"totalTokenCount\":13},\"modelVersion\":\"gemini-test\"}\n\n";
    }

    private static void stub(String marker, int priority, String notContaining, String body) {
        var request = post(urlPathEqualTo(STREAM)).atPriority(priority).withRequestBody(containing(marker));
        if (notContaining != null) {
            request = request.withRequestBody(containing(notContaining));
        }
        ProviderFakes.wireMock()
                .stubFor(request.willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(body)));
    }

    @Test
    void aTurnStreamsGeminisAnswerAndFollowsItsFunctionCalls() throws Exception {
        String marker = "G" + UUID.randomUUID().toString().replace("-", "");
        stub(
                marker,
                1,
                "functionResponse",
                event("{\"text\":\"It is \"}", null) + event("{\"text\":\"late.\"}", "STOP"));
        stub(
                marker,
                2,
                null,
                event("{\"functionCall\":{\"name\":\"current_time\",\"args\":{\"timeZone\":\"Asia/Tokyo\"}}}", "STOP"));
        try (WsClient ws = WsClient.connect(base, Users.newUserToken(), "")) {
            ws.await("session_ready");
            ws.say("Time in Tokyo? " + marker);
            List<JsonNode> turn = ws.untilTurnCompleted();
            List<String> types = turn.stream().map(m -> m.path("type").asText()).toList();
            assertThat(types)
                    .containsExactly(
                            "turn_started",
                            "firewall_verdict",
                            "memory_recall",
                            "tool_call",
                            "tool_result",
                            "token",
                            "token",
                            "turn_completed");
            assertThat(turn.get(3).path("arguments").path("timeZone").asText()).isEqualTo("Asia/Tokyo");
            assertThat(turn.get(4).path("result").asText()).contains("(Asia/Tokyo)");
            assertThat(turn.get(5).path("text").asText()
                            + turn.get(6).path("text").asText())
                    .isEqualTo("It is late.");
            assertThat(turn.getLast().path("finishReason").asText()).isEqualTo("stop");
            String traceId = turn.getFirst().path("traceId").asText();

            List<LoggedRequest> requests = ProviderFakes.wireMock()
                    .findAll(postRequestedFor(urlPathEqualTo(STREAM)).withRequestBody(containing(marker)));
            assertThat(requests).hasSize(2);
            assertThat(requests.getFirst().getHeader("x-goog-api-key")).isEqualTo("test-gemini-key");
            assertThat(requests.getFirst().queryParameter("alt").firstValue()).isEqualTo("sse");
            assertThat(requests.getFirst().getHeader("traceparent")).startsWith("00-" + traceId + "-");
            JsonNode second = JSON.readTree(requests.get(1).getBodyAsString());
            assertThat(second.path("contents").toString())
                    .contains("functionResponse")
                    .contains("Asia/Tokyo");
        }
    }

    @Test
    void cancelClosesGeminisStream() throws Exception {
        String marker = "G" + UUID.randomUUID().toString().replace("-", "");
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            body.append(event("{\"text\":\"tick \"}", null));
        }
        ProviderFakes.wireMock()
                .stubFor(post(urlPathEqualTo(STREAM))
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(body.toString())
                                .withChunkedDribbleDelay(200, 60_000)));
        try (WsClient ws = WsClient.connect(base, Users.newUserToken(), "")) {
            ws.await("session_ready");
            ws.say("tick forever " + marker);
            String turnId = ws.await("turn_started").path("turnId").asText();
            ws.await("token");
            ws.send("cancel", "turnId", turnId);
            assertThat(ws.await("turn_completed").path("finishReason").asText()).isEqualTo("cancelled");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !ProviderFakes.proxy().carrying(marker).isEmpty()
                            && ProviderFakes.proxy().carrying(marker).stream().allMatch(c -> c.isClosed()));
        }
    }
}
