package dev.warden.tools;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tools through the real WebSocket: the policy, the approval gate, the file tools and run_shell under bwrap. */
@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class ToolApprovalTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Workspaces workspaces;

    @Inject
    dev.warden.tools.approval.ApprovalStore approvals;

    @Inject
    dev.warden.db.Db db;

    String token;
    String userId;
    String marker;

    @BeforeEach
    void fresh() {
        token = Users.newUserToken();
        userId = given().auth()
                .oauth2(token)
                .get("/api/users/me")
                .then()
                .extract()
                .path("id");
        marker = "T" + UUID.randomUUID().toString().replace("-", "");
    }

    private Path workspace(String sessionId) {
        return workspaces.of(userId, sessionId);
    }

    private static List<String> types(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("type").asText()).toList();
    }

    private static JsonNode first(List<JsonNode> messages, String type) {
        return messages.stream()
                .filter(m -> m.path("type").asText().equals(type))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void anApprovedWriteRunsAndTheDiffWasShownFirst() throws Exception {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "w1", "write_file", Map.of("path", "notes/todo.md", "content", "- buy milk\n"))
                        .finish("tool_calls", 5, 5),
                "Written.");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("note it " + marker);
            JsonNode required = ws.await("approval_required");
            assertThat(required.path("tool").asText()).isEqualTo("write_file");
            assertThat(required.path("risk").asText()).isEqualTo("write");
            assertThat(required.path("toolCallId").asText()).isEqualTo("w1");
            assertThat(required.path("preview").path("kind").asText()).isEqualTo("diff");
            assertThat(required.path("preview").path("diff").asText())
                    .contains("+++ b/notes/todo.md")
                    .contains("+- buy milk");
            assertThat(required.path("expiresAt").asText()).endsWith("Z");
            assertThat(Files.exists(workspace(sessionId).resolve("notes/todo.md")))
                    .as("nothing before approval")
                    .isFalse();

            ws.send(
                    "approval_decision",
                    "approvalId",
                    required.path("approvalId").asText(),
                    "decision",
                    "approve");
            List<JsonNode> rest = ws.untilTurnCompleted();
            JsonNode resolved = first(rest, "approval_resolved");
            assertThat(resolved.path("decision").asText()).isEqualTo("approve");
            assertThat(resolved.path("by").asText()).isEqualTo("user");
            assertThat(resolved.path("scope").asText()).isEqualTo("once");
            assertThat(first(rest, "tool_result").path("error").asBoolean()).isFalse();
            assertThat(Files.readString(workspace(sessionId).resolve("notes/todo.md")))
                    .isEqualTo("- buy milk\n");
            // The decision is on record: who decided, through which connection, and when.
            var decision =
                    approvals.decision(required.path("approvalId").asText()).orElseThrow();
            assertThat(decision.status()).isEqualTo("APPROVED");
            assertThat(decision.decidedBy()).isEqualTo("user");
            assertThat(decision.decidedByUser()).isEqualTo(userId);
            assertThat(decision.via()).startsWith("ws:");
            assertThat(decision.at()).isNotNull();
        }
    }

    @Test
    void anApprovalIsBoundToTheStoredCallAndAnotherCallIsRefused() throws Exception {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "b1", "write_file", Map.of("path", "bound.txt", "content", "x"))
                        .finish("tool_calls", 5, 5),
                "Done.");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("write it " + marker);
            JsonNode required = ws.await("approval_required");
            String approvalId = required.path("approvalId").asText();
            // What was put to the person is no longer what the call would do (a stand-in for any mix-up between the
            // approved record and the call in hand): the approval must not carry over.
            assertThat(db.update("UPDATE approvals SET digest = ? WHERE id = ?", "0".repeat(64), approvalId))
                    .isEqualTo(1);
            ws.send("approval_decision", "approvalId", approvalId, "decision", "approve");
            JsonNode result = first(ws.untilTurnCompleted(), "tool_result");
            assertThat(result.path("error").asBoolean()).isTrue();
            assertThat(result.path("result").asText()).contains("the approved call and this call differ");
            assertThat(Files.exists(workspace(sessionId).resolve("bound.txt"))).isFalse();
        }
    }

    @Test
    void aDeniedWriteLeavesNoFileAndTheModelIsToldAndGoesOn() throws Exception {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "w1", "write_file", Map.of("path", "x.txt", "content", "x"))
                        .finish("tool_calls", 5, 5),
                "Understood.");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("write " + marker);
            JsonNode required = ws.await("approval_required");
            ws.send(
                    "approval_decision",
                    "approvalId",
                    required.path("approvalId").asText(),
                    "decision",
                    "deny");
            List<JsonNode> rest = ws.untilTurnCompleted();
            assertThat(first(rest, "approval_resolved").path("decision").asText())
                    .isEqualTo("deny");
            JsonNode result = first(rest, "tool_result");
            assertThat(result.path("error").asBoolean()).isTrue();
            assertThat(result.path("result").asText()).contains("denied");
            assertThat(rest.getLast().path("finishReason").asText()).isEqualTo("stop");
            assertThat(Files.exists(workspace(sessionId).resolve("x.txt"))).isFalse();

            ws.send(
                    "approval_decision",
                    "approvalId",
                    required.path("approvalId").asText(),
                    "decision",
                    "approve");
            assertThat(ws.await("error").path("code").asText()).isEqualTo("approval_already_decided");
            assertThat(Files.exists(workspace(sessionId).resolve("x.txt"))).isFalse();
        }
    }

    @Test
    void anUnansweredApprovalTimesOutAsDeniedAndALateDecisionChangesNothing() throws Exception {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "s1", "run_shell", Map.of("command", "touch late.txt"))
                        .finish("tool_calls", 5, 5),
                "Ok.");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("touch " + marker);
            JsonNode required = ws.await("approval_required");
            assertThat(required.path("preview").path("command").asText()).isEqualTo("touch late.txt");
            assertThat(required.path("preview").path("workingDirectory").asText())
                    .isEqualTo(workspace(sessionId).toString());
            JsonNode resolved = ws.await("approval_resolved");
            assertThat(resolved.path("by").asText()).isEqualTo("timeout");
            assertThat(resolved.path("decision").asText()).isEqualTo("deny");
            ws.untilTurnCompleted();
            ws.send(
                    "approval_decision",
                    "approvalId",
                    required.path("approvalId").asText(),
                    "decision",
                    "approve");
            assertThat(ws.await("error").path("code").asText()).isIn("approval_expired", "approval_already_decided");
            assertThat(Files.exists(workspace(sessionId).resolve("late.txt"))).isFalse();
        }
    }

    @Test
    void parallelCallsWaitTogetherAndEachDecisionGoesToItsOwnCall() throws Exception {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "a", "write_file", Map.of("path", "a.txt", "content", "A"))
                        .call(1, "b", "write_file", Map.of("path", "b.txt", "content", "B"))
                        .finish("tool_calls", 5, 5),
                "Both handled.");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("two files " + marker);
            JsonNode first = ws.await("approval_required");
            JsonNode second = ws.await("approval_required");
            assertThat(first.path("toolCallId").asText()).isEqualTo("a");
            assertThat(second.path("toolCallId").asText()).isEqualTo("b");
            ws.send("approval_decision", "approvalId", second.path("approvalId").asText(), "decision", "approve");
            ws.send("approval_decision", "approvalId", first.path("approvalId").asText(), "decision", "deny");
            List<JsonNode> rest = ws.untilTurnCompleted();
            List<JsonNode> results = rest.stream()
                    .filter(m -> m.path("type").asText().equals("tool_result"))
                    .toList();
            assertThat(results).extracting(r -> r.path("toolCallId").asText()).containsExactly("a", "b");
            assertThat(results.get(0).path("error").asBoolean()).isTrue();
            assertThat(results.get(1).path("error").asBoolean()).isFalse();
            assertThat(Files.exists(workspace(sessionId).resolve("a.txt"))).isFalse();
            assertThat(Files.readString(workspace(sessionId).resolve("b.txt"))).isEqualTo("B");
        }
    }

    @Test
    void approvingForTheSessionCoversTheSameDirectoryButNotAnother() throws Exception {
        String second = marker + "b";
        OpenAiStubs.toolsThenAnswer(
                marker + "a",
                OpenAiStream.create()
                        .call(0, "n1", "write_file", Map.of("path", "notes/one.md", "content", "1"))
                        .finish("tool_calls", 5, 5),
                "One.",
                "n1",
                3);
        OpenAiStubs.toolsThenAnswer(
                second,
                OpenAiStream.create()
                        .call(0, "n2", "write_file", Map.of("path", "notes/two.md", "content", "2"))
                        .call(1, "o1", "write_file", Map.of("path", "other/three.md", "content", "3"))
                        .finish("tool_calls", 5, 5),
                "Two.",
                "o1",
                1);
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("first " + marker + "a");
            JsonNode required = ws.await("approval_required");
            assertThat(required.path("preview").path("sessionScope").asText()).contains("notes");
            ws.send(
                    "approval_decision",
                    "approvalId",
                    required.path("approvalId").asText(),
                    "decision",
                    "approve",
                    "scope",
                    "session");
            assertThat(ws.untilTurnCompleted().stream()
                            .filter(m -> m.path("type").asText().equals("approval_resolved"))
                            .findFirst()
                            .orElseThrow()
                            .path("scope")
                            .asText())
                    .isEqualTo("session");

            ws.say("second " + second);
            JsonNode asked = ws.await("approval_required");
            assertThat(asked.path("toolCallId").asText())
                    .as("only the other directory asks")
                    .isEqualTo("o1");
            ws.send("approval_decision", "approvalId", asked.path("approvalId").asText(), "decision", "deny");
            List<JsonNode> rest = ws.untilTurnCompleted();
            assertThat(rest.stream().filter(m -> m.path("type").asText().equals("approval_required")))
                    .isEmpty();
            assertThat(Files.readString(workspace(sessionId).resolve("notes/two.md")))
                    .isEqualTo("2");
            assertThat(Files.exists(workspace(sessionId).resolve("other/three.md")))
                    .isFalse();
        }
    }

    @Test
    void thePolicyDeniesWhatItDeniesAndAllowsWhatItAllowsWithoutAsking() throws Exception {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "r1", "read_file", Map.of("path", "secrets/key.txt"))
                        .call(1, "e1", "run_shell", Map.of("command", "echo hello from the sandbox"))
                        .call(2, "p1", "read_file", Map.of("path", "../../etc/passwd"))
                        .finish("tool_calls", 5, 5),
                "Done.");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            Files.createDirectories(workspace(sessionId).resolve("secrets"));
            Files.writeString(workspace(sessionId).resolve("secrets/key.txt"), "TOP-SECRET");
            ws.say("go " + marker);
            List<JsonNode> turn = ws.untilTurnCompleted();
            assertThat(types(turn)).doesNotContain("approval_required");
            List<JsonNode> results = turn.stream()
                    .filter(m -> m.path("type").asText().equals("tool_result"))
                    .toList();
            assertThat(results.get(0).path("result").asText())
                    .contains("Denied by this server's policy")
                    .doesNotContain("TOP-SECRET");
            assertThat(results.get(1).path("error").asBoolean()).isFalse();
            assertThat(results.get(1).path("result").asText())
                    .contains("hello from the sandbox")
                    .contains("[exit code 0]");
            assertThat(results.get(2).path("error").asBoolean()).isTrue();
            assertThat(results.get(2).path("result").asText())
                    .startsWith("Refused:")
                    .doesNotContain("root:");
        }
    }

    @Test
    void anAllowRuleCannotBeStretchedByChainingCommands() throws Exception {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "c1", "run_shell", Map.of("command", "echo hi; touch pwned"))
                        .finish("tool_calls", 5, 5),
                "Ok.");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("sneak " + marker);
            JsonNode required = ws.await("approval_required");
            assertThat(required.path("preview").path("command").asText()).isEqualTo("echo hi; touch pwned");
            ws.send(
                    "approval_decision",
                    "approvalId",
                    required.path("approvalId").asText(),
                    "decision",
                    "deny");
            ws.untilTurnCompleted();
            assertThat(Files.exists(workspace(sessionId).resolve("pwned"))).isFalse();
        }
    }

    @Test
    void onlyTheOwnerDecidesAndRestShowsAndDecidesPendingApprovals() throws Exception {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "w1", "write_file", Map.of("path", "rest.txt", "content", "via phone"))
                        .finish("tool_calls", 5, 5),
                "Done.");
        String otherToken = Users.newUserToken();
        try (WsClient ws = WsClient.connect(base, token, "")) {
            String sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("phone " + marker);
            String approvalId = ws.await("approval_required").path("approvalId").asText();

            given().auth()
                    .oauth2(otherToken)
                    .get("/api/approvals")
                    .then()
                    .statusCode(200)
                    .body("size()", equalTo(0));
            given().auth()
                    .oauth2(otherToken)
                    .contentType("application/json")
                    .body("{\"decision\":\"approve\"}")
                    .post("/api/approvals/" + approvalId)
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("approval_not_found"));
            try (WsClient intruder = WsClient.connect(base, otherToken, "")) {
                intruder.await("session_ready");
                intruder.send("approval_decision", "approvalId", approvalId, "decision", "approve");
                assertThat(intruder.await("error").path("code").asText()).isEqualTo("approval_not_found");
            }
            assertThat(Files.exists(workspace(sessionId).resolve("rest.txt"))).isFalse();

            given().auth()
                    .oauth2(token)
                    .get("/api/approvals")
                    .then()
                    .statusCode(200)
                    .body("size()", equalTo(1))
                    .body("[0].approval.approvalId", equalTo(approvalId))
                    .body("[0].sessionId", equalTo(sessionId));
            given().auth()
                    .oauth2(token)
                    .contentType("application/json")
                    .body("{\"decision\":\"maybe\"}")
                    .post("/api/approvals/" + approvalId)
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("invalid_decision"));
            given().auth()
                    .oauth2(token)
                    .contentType("application/json")
                    .body("{\"decision\":\"approve\"}")
                    .post("/api/approvals/" + approvalId)
                    .then()
                    .statusCode(200);
            assertThat(ws.await("approval_resolved").path("by").asText()).isEqualTo("user");
            ws.untilTurnCompleted();
            assertThat(Files.readString(workspace(sessionId).resolve("rest.txt")))
                    .isEqualTo("via phone");
            given().auth()
                    .oauth2(token)
                    .contentType("application/json")
                    .body("{\"decision\":\"deny\"}")
                    .post("/api/approvals/" + approvalId)
                    .then()
                    .statusCode(409)
                    .body("code", equalTo("approval_already_decided"));
        }
    }

    @Test
    void aClientThatReattachesIsShownThePendingApprovalAgain() {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "w1", "write_file", Map.of("path", "later.txt", "content", "x"))
                        .finish("tool_calls", 5, 5),
                "Ok.");
        String sessionId;
        String approvalId;
        try (WsClient ws = WsClient.connect(base, token, "")) {
            sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("later " + marker);
            approvalId = ws.await("approval_required").path("approvalId").asText();
        }
        try (WsClient ws = WsClient.connect(base, token, "sessionId=" + sessionId)) {
            long head = ws.await("session_ready").path("lastSeq").asLong();
            ws.send("resume", "lastSeq", head);
            JsonNode again = ws.await("approval_required");
            assertThat(again.path("approvalId").asText()).isEqualTo(approvalId);
            ws.send("approval_decision", "approvalId", approvalId, "decision", "approve");
            assertThat(ws.untilTurnCompleted().getLast().path("finishReason").asText())
                    .isEqualTo("stop");
        }
    }

    @Test
    void cancellingATurnClosesItsPendingApprovals() {
        OpenAiStubs.toolsThenAnswer(
                marker,
                OpenAiStream.create()
                        .call(0, "w1", "write_file", Map.of("path", "never.txt", "content", "x"))
                        .finish("tool_calls", 5, 5),
                "Ok.");
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("then cancel " + marker);
            String turnId = ws.await("turn_started").path("turnId").asText();
            String approvalId = ws.await("approval_required").path("approvalId").asText();
            ws.send("cancel", "turnId", turnId);
            JsonNode resolved = ws.await("approval_resolved");
            assertThat(resolved.path("by").asText()).isEqualTo("cancel");
            assertThat(ws.await("turn_completed").path("finishReason").asText()).isEqualTo("cancelled");
            ws.send("approval_decision", "approvalId", approvalId, "decision", "approve");
            assertThat(ws.await("error").path("code").asText()).isEqualTo("approval_already_decided");
        }
    }
}
