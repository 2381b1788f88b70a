package dev.warden;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.warden.testing.OpenAiStream;
import dev.warden.testing.WardenProcess;
import dev.warden.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged jar, started as an operator starts it: restarts, the root check, a quiet log. */
class PackagedApplicationIT {

    static final String TOKEN = "it-admin-token";
    static WireMockServer provider;
    static Path work;

    @BeforeAll
    static void startProvider() throws Exception {
        provider = new WireMockServer(wireMockConfig().dynamicPort());
        provider.start();
        work = Files.createTempDirectory(Path.of("target"), "it-");
    }

    @AfterAll
    static void stopProvider() {
        provider.stop();
    }

    static Map<String, String> env(Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("WARDEN_DATA_DIR", dataDir.toString());
        env.put("WARDEN_ALLOW_ROOT", "true");
        env.put("WARDEN_AUTH_BOOTSTRAP_TOKEN", TOKEN);
        env.put("QUARKUS_LANGCHAIN4J_OPENAI_BASE_URL", "http://localhost:" + provider.port() + "/v1/");
        env.put("QUARKUS_LANGCHAIN4J_OPENAI_API_KEY", "it-key");
        env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms");
        return env;
    }

    @Test
    void theConversationSurvivesARestartAndTheLogStaysQuiet() throws Exception {
        Path data = work.resolve("restart-data");
        provider.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("RESTART"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiStream.create()
                                .text("I will remember 42.")
                                .finish("stop", 5, 5))));
        String sessionId;
        long lastSeq;
        try (WardenProcess warden = WardenProcess.start(env(data), work.resolve("first.log"))) {
            warden.awaitReady();
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "")) {
                sessionId = ws.await("session_ready").path("sessionId").asText();
                ws.say("RESTART: the answer is 42");
                lastSeq = ws.untilTurnCompleted().getLast().path("seq").asLong();
            }
            Thread.sleep(500);
            warden.stop();
            assertThat(warden.log())
                    .doesNotContain("Failed to export")
                    .doesNotContain("ERROR")
                    .doesNotContain("Unrecognized configuration key")
                    .as("no GPU probe noise from the embedding tokenizer")
                    .doesNotContain("CUDA")
                    .as("no prompt text in the log")
                    .doesNotContain("the answer is 42");
            // Production logs are JSON, and a turn's lines carry its ids for joining with its trace and session.
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> turnLines = new java.util.ArrayList<>();
            for (String line : warden.log().split("\n")) {
                if (line.startsWith("{")) {
                    JsonNode entry = json.readTree(line);
                    if (entry.path("message").asText().startsWith("Turn ")) {
                        turnLines.add(entry);
                    }
                }
            }
            assertThat(turnLines).hasSize(2);
            assertThat(turnLines).allSatisfy(entry -> {
                assertThat(entry.path("mdc").path("sessionId").asText()).isEqualTo(sessionId);
                assertThat(entry.path("mdc").path("traceId").asText()).hasSize(32);
                assertThat(entry.path("mdc").path("userId").asText()).isNotBlank();
            });
        }
        try (WardenProcess warden = WardenProcess.start(env(data), work.resolve("second.log"))) {
            warden.awaitReady();
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "sessionId=" + sessionId)) {
                JsonNode ready = ws.await("session_ready");
                assertThat(ready.path("resumed").asBoolean()).isTrue();
                assertThat(ready.path("lastSeq").asLong()).isEqualTo(lastSeq);
                ws.say("RESTART: what was the answer?");
                List<JsonNode> turn = ws.untilTurnCompleted();
                assertThat(turn.getFirst().path("seq").asLong()).isEqualTo(lastSeq + 1);
            }
        }
        var requests = provider.findAll(
                postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("RESTART")));
        assertThat(requests).hasSize(2);
        String second = new ObjectMapper()
                .readTree(requests.get(1).getBodyAsString())
                .path("messages")
                .toString();
        assertThat(second).contains("the answer is 42").contains("I will remember 42.");
    }

    @Test
    void itRefusesToRunAsRootUnlessAllowed() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only meaningful when the tests run as root");
        Map<String, String> env = env(work.resolve("root-data"));
        env.put("WARDEN_ALLOW_ROOT", "false");
        try (WardenProcess warden = WardenProcess.start(env, work.resolve("root.log"))) {
            assertThat(warden.awaitExit()).isEqualTo(1);
            assertThat(warden.log()).contains("refuses to run as root").doesNotContain("\tat ");
        }
        assertThat(work.resolve("root-data")).doesNotExist();
    }

    @Test
    void aTurnCutOffByKill9IsInterruptedAfterTheRestartAndNothingTheClientSawIsLost() throws Exception {
        Path data = work.resolve("crash-data");
        StringBuilder slow = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            slow.append("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}\n\n");
        }
        provider.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("CRASH-SLOW"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(slow.toString())
                        .withChunkedDribbleDelay(300, 60_000)));
        provider.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("CRASH-AFTER"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiStream.create().text("Back.").finish("stop", 1, 1))));
        String sessionId;
        List<JsonNode> seen;
        try (WardenProcess warden = WardenProcess.start(env(data), work.resolve("crash-1.log"))) {
            warden.awaitReady();
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "")) {
                sessionId = ws.await("session_ready").path("sessionId").asText();
                ws.say("CRASH-SLOW tell me a long story");
                ws.await("token");
                ws.await("token");
                seen = ws.received();
                warden.kill();
            }
        }
        try (WardenProcess warden = WardenProcess.start(env(data), work.resolve("crash-2.log"))) {
            warden.awaitReady();
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "sessionId=" + sessionId)) {
                ws.await("session_ready");
                ws.send("resume", "lastSeq", 0);
                JsonNode interrupted = ws.await("turn_interrupted");
                assertThat(interrupted.path("reason").asText()).isEqualTo("the service restarted");
                List<JsonNode> journaled = ws.received().stream()
                        .filter(m -> !m.path("type").asText().equals("session_ready"))
                        .toList();
                List<JsonNode> seenEvents = seen.stream()
                        .filter(m -> !m.path("type").asText().equals("session_ready"))
                        .toList();
                assertThat(journaled.subList(0, seenEvents.size())).isEqualTo(seenEvents);
                assertThat(interrupted.path("seq").asLong()).isEqualTo(journaled.size());

                ws.say("CRASH-AFTER are you back?");
                List<JsonNode> turn = ws.untilTurnCompleted();
                assertThat(turn.getLast().path("finishReason").asText()).isEqualTo("stop");
            }
        }
        var requests = provider.findAll(
                postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("CRASH-AFTER")));
        String conversation = new ObjectMapper()
                .readTree(requests.getFirst().getBodyAsString())
                .path("messages")
                .toString();
        assertThat(conversation).contains("CRASH-SLOW tell me a long story").contains("tick tick");
    }

    @Test
    void anOtlpEndpointSetAtRunTimeReceivesEachTurnsTrace() throws Exception {
        provider.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("EXPORTED"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiStream.create().text("Traced.").finish("stop", 3, 2))));
        provider.stubFor(post(urlEqualTo("/v1/traces"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-protobuf")));
        Map<String, String> env = env(work.resolve("otlp-data"));
        // The same jar as every other test: the exporter is switched on by the standard variables alone.
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:" + provider.port());
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        String traceId;
        try (WardenProcess warden = WardenProcess.start(env, work.resolve("otlp.log"))) {
            warden.awaitReady();
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "")) {
                ws.await("session_ready");
                ws.say("EXPORTED: hello");
                traceId = ws.untilTurnCompleted().getLast().path("traceId").asText();
            }
            byte[] id = java.util.HexFormat.of().parseHex(traceId);
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> provider.findAll(postRequestedFor(urlEqualTo("/v1/traces"))).stream()
                            .map(request -> request.getBody())
                            .anyMatch(body -> contains(body, id)
                                    && contains(
                                            body, "warden.turn".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            assertThat(warden.log()).doesNotContain("Failed to export");
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void aMemoryOfACompletedTurnSurvivesKill9RightAfterTurnCompleted() throws Exception {
        provider.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("KILLMEMORY"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiStream.create()
                                .text("Noted: your bicycle is a green Gazelle.")
                                .finish("stop", 5, 8))));
        Path data = work.resolve("memory-kill-data");
        try (WardenProcess warden = WardenProcess.start(env(data), work.resolve("memory-kill-1.log"))) {
            warden.awaitReady();
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "")) {
                ws.await("session_ready");
                ws.say("KILLMEMORY my bicycle is a green Gazelle");
                ws.untilTurnCompleted();
                warden.kill();
            }
        }
        try (WardenProcess warden = WardenProcess.start(env(data), work.resolve("memory-kill-2.log"))) {
            warden.awaitReady();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest search = java.net.http.HttpRequest.newBuilder(
                            warden.base().resolve("/api/memories?query=bicycle"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .build();
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> http.send(search, java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body()
                            .contains("green Gazelle"));
        }
    }

    @Test
    void theReplayCommandVerifiesAnExportedSessionWithoutTheDatabase() throws Exception {
        Path data = work.resolve("replay-data");
        provider.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("REPLAY-ME"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiStream.create()
                                .text("Replayed ", "answer.")
                                .finish("stop", 4, 2))));
        Path file = work.resolve("session.jsonl");
        try (WardenProcess warden = WardenProcess.start(env(data), work.resolve("replay-source.log"))) {
            warden.awaitReady();
            String sessionId;
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "")) {
                sessionId = ws.await("session_ready").path("sessionId").asText();
                ws.say("REPLAY-ME please");
                ws.untilTurnCompleted();
            }
            var response = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            warden.base().resolve("/api/sessions/" + sessionId + "/export"))
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofFile(file));
            assertThat(response.statusCode()).isEqualTo(200);
        }
        Map<String, String> noServer = new HashMap<>();
        noServer.put("WARDEN_DATA_DIR", work.resolve("replay-elsewhere").toString());

        try (WardenProcess replay =
                WardenProcess.start(noServer, work.resolve("replay-ok.log"), "replay", file.toString())) {
            assertThat(replay.awaitExit()).as(replay.log()).isEqualTo(0);
            assertThat(replay.log()).contains("identical: 1 turn(s)");
        }
        String original = Files.readString(file);
        Path tampered = work.resolve("tampered.jsonl");
        // What the pipeline would now send the model differs from the recording: only the user_input fact changes.
        StringBuilder changed = new StringBuilder();
        for (String line : original.split("\n")) {
            changed.append(line.contains("\"type\":\"user_input\"") ? line.replace("please", "pretty please") : line)
                    .append('\n');
        }
        Files.writeString(tampered, changed.toString());
        try (WardenProcess replay =
                WardenProcess.start(noServer, work.resolve("replay-div.log"), "replay", tampered.toString())) {
            assertThat(replay.awaitExit()).as(replay.log()).isEqualTo(1);
            assertThat(replay.log()).contains("divergent at seq");
        }
        Path truncated = work.resolve("truncated.jsonl");
        Files.writeString(truncated, original.substring(0, original.length() - 40));
        try (WardenProcess replay =
                WardenProcess.start(noServer, work.resolve("replay-bad.log"), "replay", truncated.toString())) {
            assertThat(replay.awaitExit()).as(replay.log()).isEqualTo(2);
            assertThat(replay.log()).contains("export_truncated");
        }
        try (WardenProcess replay = WardenProcess.start(
                noServer,
                work.resolve("replay-none.log"),
                "replay",
                work.resolve("missing.jsonl").toString())) {
            assertThat(replay.awaitExit()).isEqualTo(2);
        }
        assertThat(work.resolve("replay-elsewhere"))
                .as("replay keeps no database")
                .doesNotExist();
    }

    @Test
    void onSigtermRunningTurnsFinishNewOnesAreRefusedAndClientsAreToldToReconnect() throws Exception {
        Path data = work.resolve("shutdown-data");
        StringBuilder slow =
                new StringBuilder(OpenAiStream.create().text("Slow").finish("stop", 1, 1));
        String tail = slow.substring(slow.indexOf("data: {", slow.indexOf("Slow")));
        slow.setLength(slow.indexOf("data: {", slow.indexOf("Slow")));
        for (int i = 0; i < 20; i++) {
            slow.append("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" and slow\"},\"finish_reason\":null}]}\n\n");
        }
        slow.append(tail);
        provider.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("SHUTDOWN-SLOW"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(slow.toString())
                        .withChunkedDribbleDelay(20, 3_000)));
        Map<String, String> env = env(data);
        env.put("WARDEN_SHUTDOWN_GRACE_PERIOD", "20s");
        String sessionId;
        try (WardenProcess warden = WardenProcess.start(env, work.resolve("shutdown.log"))) {
            warden.awaitReady();
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "");
                    WsClient other = WsClient.connect(warden.base(), TOKEN, "")) {
                sessionId = ws.await("session_ready").path("sessionId").asText();
                other.await("session_ready");
                ws.say("SHUTDOWN-SLOW take your time");
                ws.await("token");
                warden.stop(false);
                Thread.sleep(300);
                other.say("a new turn while shutting down");
                assertThat(other.await("error").path("code").asText()).isEqualTo("shutting_down");
                JsonNode completed = ws.await("turn_completed");
                assertThat(completed.path("finishReason").asText()).isEqualTo("stop");
                assertThat(ws.awaitClose()).isEqualTo(1012);
            }
            assertThat(warden.awaitExit()).isIn(0, 143);
        }
        try (WardenProcess warden = WardenProcess.start(env(data), work.resolve("shutdown-after.log"))) {
            warden.awaitReady();
            try (WsClient ws = WsClient.connect(warden.base(), TOKEN, "sessionId=" + sessionId)) {
                ws.await("session_ready");
                ws.send("resume", "lastSeq", 0);
                List<JsonNode> all = ws.untilTurnCompleted();
                assertThat(all.getLast().path("finishReason").asText()).isEqualTo("stop");
                assertThat(ws.silentFor(java.time.Duration.ofMillis(500)))
                        .as("no turn_interrupted")
                        .isTrue();
            }
        }
    }
}
