package dev.warden.journal;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.testing.OpenAiStream;
import dev.warden.testing.OpenAiStubs;
import dev.warden.testing.ProviderFakes;
import dev.warden.testing.Users;
import dev.warden.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class ReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Inject
    Replayer replayer;

    @Inject
    JournalExport export;

    String token;
    String marker;

    @BeforeEach
    void fresh() {
        token = Users.newUserToken();
        marker = "R" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A session of three turns: a tool turn, a plain answer, and one the firewall rejects. */
    String recordedSession() {
        OpenAiStubs.timeToolThenAnswer(marker + "-tool", "Asia/Tokyo", "Late in Tokyo.");
        OpenAiStubs.answer(
                marker + "-plain",
                OpenAiStream.create().text("Plain ", "answer.").finish("stop", 3, 2),
                1); // the second turn's request also holds the first turn's marker: this stub must win
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String id = ws.await("session_ready").path("sessionId").asText();
            ws.say("time? " + marker + "-tool");
            ws.untilTurnCompleted();
            ws.say("and now? " + marker + "-plain");
            ws.untilTurnCompleted();
            ws.say("x".repeat(40_000));
            ws.untilTurnCompleted();
            return id;
        }
    }

    @Test
    void verifyingAnUnchangedSessionIsIdentical() {
        String id = recordedSession();
        int before = ProviderFakes.wireMock().getAllServeEvents().size();
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"mode\":\"verify\"}")
                .post("/api/sessions/" + id + "/replay")
                .then()
                .statusCode(200)
                .body("verdict", equalTo("identical"))
                .body("turns", equalTo(3))
                .body("divergence", equalTo(null));
        assertThat(ProviderFakes.wireMock().getAllServeEvents())
                .as("replay never calls the model")
                .hasSize(before);
    }

    @Test
    void aChangedRecordingIsReportedAtItsFirstDifference() throws Exception {
        String id = recordedSession();
        String exported = given().auth()
                .oauth2(token)
                .get("/api/sessions/" + id + "/export")
                .asString();
        List<String> lines = new ArrayList<>(List.of(exported.split("\n")));
        long changedSeq = -1;
        int changedSub = -1;
        for (int i = 1; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            if (line.path("type").asText().equals("user_input")
                    && line.path("payload").path("text").asText().contains("-plain")) {
                lines.set(i, lines.get(i).replace("and now?", "and then?"));
                changedSeq = line.path("seq").asLong();
                changedSub = line.path("sub").asInt();
            }
        }
        Replayer.Result result = replayer.verify(
                export.read(new StringReader(String.join("\n", lines))).entries());
        assertThat(result.verdict()).isEqualTo("divergent");
        assertThat(result.divergence().seq()).isEqualTo(changedSeq);
        assertThat(result.divergence().sub()).isEqualTo(changedSub);
        assertThat(result.divergence().expected().path("text").asText()).contains("and then?");
        assertThat(result.divergence().actual().path("text").asText()).contains("and now?");
    }

    @Test
    void forkCopiesTheSessionUpToASeqAndContinuesLive() throws Exception {
        String id = recordedSession();
        JsonNode events = JSON.readTree(given().auth()
                .oauth2(token)
                .get("/api/sessions/" + id + "/events")
                .asString());
        long midSecondTurn = -1;
        for (JsonNode event : events) {
            if (event.path("type").asText().equals("token")
                    && event.path("text").asText().equals("Plain ")) {
                midSecondTurn = event.path("seq").asLong();
            }
        }
        String fork = given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"mode\":\"fork\",\"upToSeq\":" + midSecondTurn + "}")
                .post("/api/sessions/" + id + "/replay")
                .then()
                .statusCode(200)
                .body("mode", equalTo("fork"))
                .extract()
                .path("sessionId");
        assertThat(fork).isNotEqualTo(id);
        JsonNode forked = JSON.readTree(given().auth()
                .oauth2(token)
                .get("/api/sessions/" + fork + "/events")
                .asString());
        assertThat(forked).hasSize((int) midSecondTurn + 1);
        for (int i = 0; i < midSecondTurn; i++) {
            assertThat(forked.get(i).path("type")).isEqualTo(events.get(i).path("type"));
            assertThat(forked.get(i).path("seq")).isEqualTo(events.get(i).path("seq"));
        }
        assertThat(forked.get((int) midSecondTurn).path("type").asText()).isEqualTo("turn_interrupted");

        OpenAiStubs.answer(
                marker + "-fork", OpenAiStream.create().text("Forked.").finish("stop", 1, 1), 1);
        try (WsClient ws = WsClient.connect(base, token, "sessionId=" + fork)) {
            ws.await("session_ready");
            ws.say("go on " + marker + "-fork");
            List<JsonNode> turn = ws.untilTurnCompleted();
            assertThat(turn.getFirst().path("seq").asLong()).isEqualTo(midSecondTurn + 2);
            assertThat(turn.getLast().path("finishReason").asText()).isEqualTo("stop");
        }
        var requests = ProviderFakes.wireMock()
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(marker + "-fork")));
        String conversation = JSON.readTree(requests.getFirst().getBodyAsString())
                .path("messages")
                .toString();
        assertThat(conversation).contains("Late in Tokyo.").contains("and now?").contains("Plain ");
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"mode\":\"verify\"}")
                .post("/api/sessions/" + fork + "/replay")
                .then()
                .statusCode(200)
                .body("verdict", equalTo("identical"));
    }

    @Test
    void badReplayRequestsGetStableCodesAndChangeNothing() {
        String id = recordedSession();
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"mode\":\"rewind\"}")
                .post("/api/sessions/" + id + "/replay")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_mode"));
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"mode\":\"fork\",\"upToSeq\":9999}")
                .post("/api/sessions/" + id + "/replay")
                .then()
                .statusCode(400)
                .body("code", equalTo("seq_out_of_range"));
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"mode\":\"fork\",\"upToSeq\":-1}")
                .post("/api/sessions/" + id + "/replay")
                .then()
                .statusCode(400)
                .body("code", equalTo("seq_out_of_range"));
        given().auth()
                .oauth2(Users.newUserToken())
                .contentType("application/json")
                .body("{\"mode\":\"verify\"}")
                .post("/api/sessions/" + id + "/replay")
                .then()
                .statusCode(404);
        given().auth().oauth2(token).get("/api/sessions").then().body("size()", equalTo(1));
    }
}
