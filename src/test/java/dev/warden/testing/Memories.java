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
}
