package dev.warden.db;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.journal.EventJournal;
import dev.warden.testing.OpenAiStream;
import dev.warden.testing.OpenAiStubs;
import dev.warden.testing.PostgresServer;
import dev.warden.testing.ProviderFakes;
import dev.warden.testing.Users;
import dev.warden.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The same journal, sessions and users on a real PostgreSQL server. */
@QuarkusTest
@TestProfile(PostgresTest.OnPostgres.class)
@QuarkusTestResource(ProviderFakes.class)
class PostgresTest {

    public static class OnPostgres implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PostgresServer.class));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Inject
    Database database;

    @Inject
    Db db;

    @Inject
    EventJournal journal;

    @Test
    void wardenRunsOnPostgresql() {
        assertThat(database.kind()).isEqualTo("postgresql");
        assertThat(db.queryOne("SELECT version()", rs -> rs.getString(1)).orElseThrow())
                .startsWith("PostgreSQL");
        assertThat(db.queryOne("SELECT COUNT(*) FROM flyway_schema_history WHERE success", rs -> rs.getInt(1))
                        .orElseThrow())
                .isPositive();
    }

    @Test
    void aTurnIsJournaledResumedReplayedAndDeletedOnPostgresql() throws Exception {
        String token = Users.newUserToken();
        String marker = "P" + UUID.randomUUID().toString().replace("-", "");
        OpenAiStubs.timeToolThenAnswer(marker, "America/Lima", "Lima: noon.");
        String sessionId;
        List<JsonNode> live;
        try (WsClient ws = WsClient.connect(base, token, "")) {
            sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("time in Lima " + marker);
            live = ws.untilTurnCompleted();
        }
        try (WsClient ws = WsClient.connect(base, token, "sessionId=" + sessionId)) {
            ws.await("session_ready");
            ws.send("resume", "lastSeq", 0);
            assertThat(ws.untilTurnCompleted()).isEqualTo(live);
        }
        JsonNode facts = JSON.readTree(given().auth()
                .oauth2(token)
                .queryParam("facts", true)
                .get("/api/sessions/" + sessionId + "/events")
                .asString());
        assertThat(facts.toString())
                .contains("model_request")
                .contains("tool_invocation")
                .contains("conversation");
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"mode\":\"verify\"}")
                .post("/api/sessions/" + sessionId + "/replay")
                .then()
                .statusCode(200)
                .body("verdict", equalTo("identical"));

        OpenAiStubs.answer(
                marker + "-next", OpenAiStream.create().text("Still Lima.").finish("stop", 1, 1), 1);
        try (WsClient ws = WsClient.connect(base, token, "sessionId=" + sessionId)) {
            ws.await("session_ready");
            ws.say("and now " + marker + "-next");
            assertThat(ws.untilTurnCompleted().getLast().path("finishReason").asText())
                    .isEqualTo("stop");
        }
        given().auth().oauth2(token).delete("/api/sessions/" + sessionId).then().statusCode(204);
        assertThat(journal.lastPosition(sessionId).seq()).isZero();
    }
}
