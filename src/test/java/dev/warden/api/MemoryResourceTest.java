package dev.warden.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.warden.memory.Exchange;
import dev.warden.memory.LongTermMemory;
import dev.warden.testing.Memories;
import dev.warden.testing.ProviderFakes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code /api/memories} with two users: each sees, searches and forgets only their own. */
@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class MemoryResourceTest {

    @Inject
    LongTermMemory memory;

    String remember(String userId, Instant at, String said) {
        return memory.rememberNow(new Exchange(
                        userId, UUID.randomUUID().toString(), UUID.randomUUID().toString(), at, said, "Noted."))
                .getFirst();
    }

    JsonPath list(String token, String query) {
        var request = given().auth().oauth2(token);
        if (query != null) {
            request = request.queryParam("query", query);
        }
        return request.get("/api/memories").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void listsMyMemoriesNewestFirstAndNeverAnotherUsers() {
        Memories.TestUser ada = Memories.newUser();
        Memories.TestUser ben = Memories.newUser();
        String older = remember(ada.id(), Instant.parse("2026-01-10T09:00:00Z"), "I started learning Portuguese.");
        String newer = remember(ada.id(), Instant.parse("2026-02-01T09:00:00Z"), "I booked a trip to Lisbon.");
        String bens = remember(ben.id(), Instant.parse("2026-03-01T09:00:00Z"), "I booked a trip to Oslo.");

        JsonPath adas = list(ada.token(), null);
        assertThat(adas.getList("id", String.class)).containsExactly(newer, older);
        assertThat(adas.getString("[0].text")).isEqualTo("User: I booked a trip to Lisbon.\nAssistant: Noted.");
        assertThat(adas.getString("[0].at")).isEqualTo("2026-02-01T09:00:00Z");
        assertThat(adas.getInt("[0].part")).isZero();
        assertThat(list(ben.token(), null).getList("id", String.class)).containsExactly(bens);
    }

    @Test
    void searchesMyMemoriesBestFirst() {
        Memories.TestUser ada = Memories.newUser();
        Memories.TestUser ben = Memories.newUser();
        remember(ada.id(), Instant.now(), "My dentist is Dr. Okafor on Baker Street.");
        String boat = remember(ada.id(), Instant.now(), "I am restoring an old sailing boat called Marlin.");
        remember(ben.id(), Instant.now(), "I am restoring an old sailing boat called Petrel.");

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(list(ada.token(), "What is the name of my boat?")
                                .getList("id", String.class))
                        .first()
                        .isEqualTo(boat));
        JsonPath found = list(ada.token(), "What is the name of my boat?");
        assertThat(found.getFloat("[0].score")).isBetween(0f, 1f);
        assertThat(found.getList("text", String.class)).noneMatch(text -> text.contains("Petrel"));
    }

    @Test
    void forgetsOneOfMineAndAnswersForAnotherUsersLikeAnUnknownOne() {
        Memories.TestUser ada = Memories.newUser();
        Memories.TestUser ben = Memories.newUser();
        String adas = remember(ada.id(), Instant.now(), "My PIN hint is the year of the moon landing.");

        var asBen = given().auth()
                .oauth2(ben.token())
                .delete("/api/memories/" + adas)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("memory_not_found"))
                .extract()
                .jsonPath();
        var unknown = given().auth()
                .oauth2(ben.token())
                .delete("/api/memories/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .extract()
                .jsonPath();
        assertThat(asBen.getString("title")).isEqualTo(unknown.getString("title"));
        assertThat(list(ada.token(), null).getList("id", String.class)).containsExactly(adas);

        given().auth()
                .oauth2(ada.token())
                .delete("/api/memories/" + adas)
                .then()
                .statusCode(204);

        assertThat(list(ada.token(), null).getList("id")).isEmpty();
        assertThat(memory.recallNow(ada.id(), "What is my PIN hint?", null, 4, 0))
                .isEmpty();
        given().auth()
                .oauth2(ada.token())
                .delete("/api/memories/" + adas)
                .then()
                .statusCode(404);
    }

    @Test
    void forgetsEverythingOfMineOnly() {
        Memories.TestUser ada = Memories.newUser();
        Memories.TestUser ben = Memories.newUser();
        remember(ada.id(), Instant.now(), "I play chess on Tuesdays.");
        remember(ada.id(), Instant.now(), "My chess club is in the old library.");
        remember(ben.id(), Instant.now(), "I play chess on Fridays.");

        given().auth()
                .oauth2(ada.token())
                .delete("/api/memories")
                .then()
                .statusCode(200)
                .body("deleted", equalTo(2));

        assertThat(list(ada.token(), null).getList("id")).isEmpty();
        assertThat(memory.recallNow(ada.id(), "When do I play chess?", null, 4, 0))
                .isEmpty();
        assertThat(list(ben.token(), null).getList("id")).hasSize(1);
    }

    @Test
    void refusesBadLimitsAndStrangers() {
        Memories.TestUser ada = Memories.newUser();
        for (String limit : List.of("0", "1001")) {
            given().auth()
                    .oauth2(ada.token())
                    .queryParam("limit", limit)
                    .get("/api/memories")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("invalid_parameter"));
        }
        given().get("/api/memories").then().statusCode(401);
        given().delete("/api/memories").then().statusCode(401);
    }
}
