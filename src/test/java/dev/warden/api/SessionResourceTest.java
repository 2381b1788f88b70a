package dev.warden.api;

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
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class SessionResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Inject
    dev.warden.tools.Workspaces workspaces;

    String token;
    String marker;

    @BeforeEach
    void fresh() {
        token = Users.newUserToken();
        marker = "S" + UUID.randomUUID().toString().replace("-", "");
        OpenAiStubs.answer(marker, OpenAiStream.create().text("ok").finish("stop", 1, 1));
    }

    /** The seq of the last event the client received in {@link #sessionWithOneTurn}. */
    long lastSeqSeen;

    String sessionWithOneTurn(String text) {
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String id = ws.await("session_ready").path("sessionId").asText();
            ws.say(text + " " + marker);
            lastSeqSeen = ws.untilTurnCompleted().getLast().path("seq").asLong();
            return id;
        }
    }

    @Test
    void listsMySessionsNewestFirstWithTitleAndLastActivity() throws Exception {
        String older = sessionWithOneTurn("First question");
        String newer = sessionWithOneTurn("Second question");
        JsonNode list =
                JSON.readTree(given().auth().oauth2(token).get("/api/sessions").asString());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("id").asText()).isEqualTo(newer);
        assertThat(list.get(0).path("title").asText()).isEqualTo("Second question " + marker);
        assertThat(list.get(0).path("running").asBoolean()).isFalse();
        // turn_started, firewall_verdict, memory_recall, token, turn_completed, and a verdict on a recalled memory
        // when the first session's exchange is recalled and flagged: whatever the client saw last.
        assertThat(list.get(0).path("lastSeq").asLong()).isEqualTo(lastSeqSeen).isBetween(5L, 6L);
        assertThat(list.get(1).path("id").asText()).isEqualTo(older);
        assertThat(Users.newUserToken())
                .satisfies(other -> given().auth()
                        .oauth2(other)
                        .get("/api/sessions")
                        .then()
                        .statusCode(200)
                        .body("size()", equalTo(0)));
    }

    @Test
    void someoneElsesSessionIsNotFoundLikeAnUnknownOne() {
        String id = sessionWithOneTurn("mine");
        String other = Users.newUserToken();
        for (String path : new String[] {"", "/events", "/export"}) {
            given().auth()
                    .oauth2(other)
                    .get("/api/sessions/" + id + path)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("code", equalTo("session_not_found"));
            given().auth()
                    .oauth2(token)
                    .get("/api/sessions/" + UUID.randomUUID() + path)
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("session_not_found"));
        }
        given().auth().oauth2(other).delete("/api/sessions/" + id).then().statusCode(404);
        given().auth().oauth2(token).get("/api/sessions/" + id).then().statusCode(200);
    }

    @Test
    void eventsArePagedAfterASeqAndBadParametersAreRefused() throws Exception {
        String id = sessionWithOneTurn("page me");
        JsonNode page = JSON.readTree(given().auth()
                .oauth2(token)
                .queryParam("afterSeq", 1)
                .queryParam("limit", 1)
                .get("/api/sessions/" + id + "/events")
                .asString());
        assertThat(page).hasSize(1);
        assertThat(page.get(0).path("seq").asLong()).isEqualTo(2);
        given().auth()
                .oauth2(token)
                .queryParam("afterSeq", -1)
                .get("/api/sessions/" + id + "/events")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_parameter"));
        given().auth()
                .oauth2(token)
                .queryParam("limit", 0)
                .get("/api/sessions/" + id + "/events")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_parameter"));
        given().auth()
                .oauth2(token)
                .queryParam("afterSeq", "x")
                .get("/api/sessions/" + id + "/events")
                .then()
                .statusCode(404);
    }

    @Test
    void exportIsAHeaderThenEveryEntryAsJsonLines() throws Exception {
        String id = sessionWithOneTurn("export me");
        String body = given().auth()
                .oauth2(token)
                .get("/api/sessions/" + id + "/export")
                .then()
                .statusCode(200)
                .contentType("application/x-ndjson")
                .extract()
                .asString();
        String[] lines = body.split("\n");
        JsonNode header = JSON.readTree(lines[0]);
        assertThat(header.path("format").asText()).isEqualTo("warden-journal");
        assertThat(header.path("version").asInt()).isEqualTo(1);
        assertThat(header.path("sessionId").asText()).isEqualTo(id);
        assertThat(header.path("entries").asInt()).isEqualTo(lines.length - 1);
        JsonNode facts = JSON.readTree(given().auth()
                .oauth2(token)
                .queryParam("facts", true)
                .get("/api/sessions/" + id + "/events")
                .asString());
        assertThat(lines.length - 1).isEqualTo(facts.size());
        for (int i = 1; i < lines.length; i++) {
            JsonNode line = JSON.readTree(lines[i]);
            assertThat(line.path("type").asText())
                    .isEqualTo(facts.get(i - 1).path("type").asText());
            assertThat(line.path("seq").asLong())
                    .isEqualTo(facts.get(i - 1).path("seq").asLong());
            assertThat(line.path("payload").isObject()).isTrue();
        }
    }

    @Test
    void deletingASessionRemovesItsJournalAndWorkspaceAndClosesItsSockets() throws Exception {
        String id;
        String userId = given().auth()
                .oauth2(token)
                .get("/api/users/me")
                .then()
                .extract()
                .path("id");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            id = ws.await("session_ready").path("sessionId").asText();
            ws.say("delete me " + marker);
            ws.untilTurnCompleted();
            Path workspace = workspaces.of(userId, id);
            Files.createDirectories(workspace.resolve("sub"));
            Files.writeString(workspace.resolve("sub/file.txt"), "x");

            given().auth().oauth2(token).delete("/api/sessions/" + id).then().statusCode(204);

            assertThat(ws.awaitClose()).isEqualTo(4404);
            assertThat(workspace).doesNotExist();
        }
        given().auth().oauth2(token).get("/api/sessions/" + id).then().statusCode(404);
        try (WsClient again = WsClient.connect(base, token, "sessionId=" + id)) {
            assertThat(again.awaitClose()).isEqualTo(4404);
        }
    }
}
