package dev.warden.ui;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.warden.testing.OpenAiStream;
import dev.warden.testing.WardenProcess;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web client in a real browser (Debian's Chromium, driven by ui/e2e/run.mjs through playwright-core) against the
 * packaged jar, whose model is a WireMock server answering by a marker in the prompt. The scenarios live in the script;
 * this test starts the pieces, runs it and shows its output. Screenshots land in target/ui-e2e/.
 */
class WebClientIT {

    static final String TOKEN = "ui-it-admin-token";
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final Path ARTIFACTS = Path.of("target/ui-e2e");

    static WireMockServer model;
    static Path work;

    @BeforeAll
    static void startModel() throws IOException {
        model = new WireMockServer(wireMockConfig().dynamicPort());
        model.start();
        work = Files.createTempDirectory(Path.of("target"), "ui-it-");
        stubModel();
    }

    @AfterAll
    static void stopModel() {
        if (model != null) {
            model.stop();
        }
    }

    /** Each scenario of ui/e2e/run.mjs sends a message with its marker; a new session per scenario keeps them apart. */
    static void stubModel() {
        answer(
                "E2E-STREAM",
                OpenAiStream.create()
                        .text(
                                "Hello from ",
                                "**Warden**",
                                ". Here is ",
                                "some code:\n\n",
                                "```js\nconsole.log(\"streamed\");\n```\n")
                        .finish("stop", 12, 9),
                5);
        toolThenAnswer("E2E-WRITE-OK", "call_ok", "notes/ok.txt", "The notes are saved.");
        toolThenAnswer("E2E-WRITE-DENY", "call_deny", "secret.txt", "I did not write it.");
        toolThenAnswer("E2E-WRITE-PHONE", "call_phone", "README.md", "The readme is updated.");
        toolThenAnswer("E2E-WRITE-EXPIRE", "call_expire", "late.txt", "Nobody decided in time.");

        StringBuilder slow = new StringBuilder(
                OpenAiStream.create().text("Once upon a time: ").finish("stop", 1, 1));
        String tail = slow.substring(slow.indexOf("data: {", slow.indexOf("Once upon")));
        slow.setLength(slow.indexOf("data: {", slow.indexOf("Once upon")));
        for (int i = 1; i <= 40; i++) {
            slow.append("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick ")
                    .append(i)
                    .append(" \"},\"finish_reason\":null}]}\n\n");
        }
        slow.append("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"THE END\"},\"finish_reason\":null}]}\n\n");
        slow.append(tail);
        model.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .atPriority(5)
                .withRequestBody(containing("E2E-SLOW"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(slow.toString())
                        .withChunkedDribbleDelay(40, 10_000)));
    }

    static void answer(String marker, String sse, int priority) {
        model.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .atPriority(priority)
                .withRequestBody(containing(marker))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(sse)));
    }

    /**
     * The model writes {@code path}, then answers {@code answer} once a tool result is in the conversation (each
     * scenario runs in a new session, so it can only be this call's).
     */
    static void toolThenAnswer(String marker, String callId, String path, String answer) {
        model.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .atPriority(3)
                .withRequestBody(containing(marker))
                .withRequestBody(containing("tool_call_id"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiStream.create().text(answer).finish("stop", 30, 6))));
        answer(
                marker,
                OpenAiStream.create()
                        .call(0, callId, "write_file", Map.of("path", path, "content", "approved by a person\n"))
                        .finish("tool_calls", 20, 8),
                4);
    }

    static Map<String, String> env(Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("WARDEN_DATA_DIR", dataDir.toString());
        env.put("WARDEN_ALLOW_ROOT", "true");
        env.put("WARDEN_AUTH_BOOTSTRAP_TOKEN", TOKEN);
        env.put("QUARKUS_LANGCHAIN4J_OPENAI_BASE_URL", "http://localhost:" + model.port() + "/v1/");
        env.put("QUARKUS_LANGCHAIN4J_OPENAI_API_KEY", "it-key");
        // Markers must not leak from one scenario's session into another's prompt through recalled memories.
        env.put("WARDEN_MEMORY_ENABLED", "false");
        // Short enough for the expiry scenario to watch one run out, long enough for the others to decide in time.
        env.put("WARDEN_TOOLS_APPROVAL_TIMEOUT", "20s");
        env.put("WARDEN_UI_TRACE_VIEWER_URL", "http://localhost:16686/trace/{traceId}");
        return env;
    }

    @Test
    void theWebClientChatsApprovesResumesAndShowsVerdictsInARealBrowser() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM + " (.ci/run installs it)");
        Files.createDirectories(ARTIFACTS);
        try (WardenProcess warden = WardenProcess.start(env(work.resolve("data")), work.resolve("warden.log"))) {
            warden.awaitReady();
            String page = get(warden.base());
            assertThat(page).as("the UI is served at /").contains("<div id=\"root\">");

            ProcessBuilder e2e = new ProcessBuilder(List.of("node", "e2e/run.mjs"))
                    .directory(Path.of("ui").toFile())
                    .redirectErrorStream(true);
            e2e.environment().put("WARDEN_URL", warden.base().toString());
            e2e.environment().put("WARDEN_TOKEN", TOKEN);
            e2e.environment().put("CHROMIUM", CHROMIUM.toString());
            e2e.environment().put("E2E_ARTIFACTS", ARTIFACTS.toAbsolutePath().toString());
            Process process = e2e.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean exited = process.waitFor(5, TimeUnit.MINUTES);
            System.out.println("ui/e2e/run.mjs:\n" + output);
            if (!exited) {
                process.destroyForcibly();
            }
            assertThat(exited).as("the browser tests finished in time").isTrue();
            assertThat(process.exitValue())
                    .as("ui/e2e/run.mjs failed:\n%s\nWarden's log:\n%s", output, tail(warden.log()))
                    .isZero();
            assertThat(ARTIFACTS.resolve("phone-375.png")).exists();
        }
    }

    static String get(URI uri) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try (var in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String tail(String log) {
        return log.length() > 8000 ? log.substring(log.length() - 8000) : log;
    }
}
