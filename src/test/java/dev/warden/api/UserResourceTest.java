package dev.warden.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.warden.testing.ProviderFakes;
import dev.warden.testing.Users;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class UserResourceTest {

    @Test
    void theAdminCreatesAUserWhoseTokenWorksAtOnce() {
        String name = "ada-" + UUID.randomUUID().toString().substring(0, 6);
        String token = given().auth()
                .oauth2(Users.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{\"name\":\"" + name + "\"}")
                .post("/api/users")
                .then()
                .statusCode(201)
                .body("name", equalTo(name))
                .body("token", startsWith("wdn_"))
                .extract()
                .path("token");
        given().auth()
                .oauth2(token)
                .get("/api/users/me")
                .then()
                .statusCode(200)
                .body("name", equalTo(name))
                .body("role", equalTo("user"));
    }

    @Test
    void requestsWithoutAValidTokenAreUnauthorized() {
        given().get("/api/users/me").then().statusCode(401);
        given().auth().oauth2("wdn_forged").get("/api/users/me").then().statusCode(401);
        given().contentType("application/json")
                .body("{\"name\":\"x\"}")
                .post("/api/users")
                .then()
                .statusCode(401);
    }

    @Test
    void onlyTheAdminCreatesUsers() {
        given().auth()
                .oauth2(Users.newUserToken())
                .contentType("application/json")
                .body("{\"name\":\"sneaky\"}")
                .post("/api/users")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("forbidden"));
    }

    @Test
    void badOrDuplicateNamesGetAProblemWithAStableCode() {
        for (String body : new String[] {"{}", "{\"name\":\"\"}", "{\"name\":\"has space\"}", "{\"name\":\"-x\"}"}) {
            given().auth()
                    .oauth2(Users.ADMIN_TOKEN)
                    .contentType("application/json")
                    .body(body)
                    .post("/api/users")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("invalid_name"))
                    .body("status", equalTo(400));
        }
        String name = "dup-" + UUID.randomUUID().toString().substring(0, 6);
        given().auth()
                .oauth2(Users.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{\"name\":\"" + name + "\"}")
                .post("/api/users")
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(Users.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{\"name\":\"" + name + "\"}")
                .post("/api/users")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("user_exists"));
    }

    @Test
    void malformedJsonIsAProblemNotAStackTrace() {
        given().auth()
                .oauth2(Users.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{nope")
                .post("/api/users")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void healthIsOpenAndReadyWhenTheDatabaseAnswers() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItem("Database connections health check"));
    }
}
