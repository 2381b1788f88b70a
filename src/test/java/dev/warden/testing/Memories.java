package dev.warden.testing;

import static io.restassured.RestAssured.given;

/** Test users for memory tests: a fresh user's token and id, through the real REST API. */
public final class Memories {

    private Memories() {}

    public record TestUser(String token, String id) {}

    public static TestUser newUser() {
        String token = Users.newUserToken();
        String id = given().auth()
                .oauth2(token)
                .get("/api/users/me")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
        return new TestUser(token, id);
    }

    /** Waits until a search of the user's memories for {@code query} finds something (indexing is asynchronous). */
    public static void awaitFound(TestUser user, String query) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> !given().auth()
                        .oauth2(user.token())
                        .queryParam("query", query)
                        .get("/api/memories")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("$")
                        .isEmpty());
    }
}
