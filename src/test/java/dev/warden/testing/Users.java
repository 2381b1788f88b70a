package dev.warden.testing;

import static io.restassured.RestAssured.given;

import java.util.UUID;

/** Test users, created through the real REST API with the bootstrap admin's token. */
public final class Users {

    /** The admin token the test profile bootstraps ({@code %test.warden.auth.bootstrap-token}). */
    public static final String ADMIN_TOKEN = "test-admin-token";

    private Users() {}

    /** Creates a fresh user and returns its token. */
    public static String newUserToken() {
        return given().auth()
                .oauth2(ADMIN_TOKEN)
                .contentType("application/json")
                .body("{\"name\":\"user-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .post("/api/users")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
    }
}
