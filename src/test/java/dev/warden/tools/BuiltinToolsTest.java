package dev.warden.tools;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.agent.Turn;
import dev.warden.testing.ProviderFakes;
import dev.warden.tools.sandbox.WorkspacePaths;
import io.opentelemetry.context.Context;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in tools themselves, in a workspace, with the test profile's policy and allowlist. */
@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class BuiltinToolsTest {

    @Inject
    FileTools files;

    @Inject
    HttpGetTool http;

    @Inject
    ShellTool shell;

    @Inject
    io.opentelemetry.api.trace.Tracer tracer;

    Path root;
    Path workspace;
    Path outside;

    @BeforeEach
    void workspace() throws Exception {
        root = Files.createTempDirectory("tools");
        workspace = Files.createDirectories(root.resolve("ws"));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "OUTSIDE-SECRET");
    }

    private <T> T inWorkspace(Supplier<T> work) {
        Turn turn = new Turn("t", "s", "u", "m", "", Context.root());
        return ToolContext.with(new ToolContext(turn, new WorkspacePaths(workspace)), work);
    }

    @Test
    void filesAreWrittenReadListedAndEditedInsideTheWorkspace() throws Exception {
        inWorkspace(() -> files.writeFile("notes/a.md", "one\ntwo\n"));
        assertThat(Files.readString(workspace.resolve("notes/a.md"))).isEqualTo("one\ntwo\n");
        assertThat(inWorkspace(() -> files.readFile("notes/a.md"))).isEqualTo("one\ntwo\n");
        assertThat(inWorkspace(() -> files.listFiles(null))).isEqualTo("notes/");
        inWorkspace(() -> files.editFile("notes/a.md", "two", "three"));
        assertThat(Files.readString(workspace.resolve("notes/a.md"))).isEqualTo("one\nthree\n");
        assertThatThrownBy(() -> inWorkspace(() -> files.editFile("notes/a.md", "missing", "x")))
                .hasMessageContaining("does not occur");
        Files.writeString(workspace.resolve("twice.txt"), "x x");
        assertThatThrownBy(() -> inWorkspace(() -> files.editFile("twice.txt", "x", "y")))
                .hasMessageContaining("more than once");
    }

    @Test
    void pathsLeadingOutOfTheWorkspaceAreRefusedAndNothingIsTouched() throws Exception {
        Files.createSymbolicLink(workspace.resolve("escape"), outside);
        for (String path : new String[] {
            "../outside/secret.txt",
            root.resolve("outside/secret.txt").toString(),
            "escape/secret.txt",
            "notes/../../outside/secret.txt"
        }) {
            assertThatThrownBy(() -> inWorkspace(() -> files.readFile(path)))
                    .as(path)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining(workspace.toString());
            assertThatThrownBy(() -> inWorkspace(() -> files.writeFile(path, "overwritten")))
                    .as(path)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("OUTSIDE-SECRET");
        assertThat(outside.toFile().list()).containsExactly("secret.txt");
    }

    @Test
    void runShellSeesNeitherTheServicesSecretsNorTheNetwork() {
        String output = inWorkspace(() -> shell.runShell("env; cat /etc/shadow 2>&1; echo done"));
        assertThat(output)
                .contains("done")
                .doesNotContain("WARDEN_")
                .doesNotContain("QUARKUS_")
                .doesNotContain("test-key")
                .doesNotContain("root:");
        String network = inWorkspace(() -> shell.runShell("bash -c 'exec 3<>/dev/tcp/127.0.0.1/"
                + ProviderFakes.wireMock().port() + "' 2>/dev/null && echo connected || echo refused"));
        assertThat(network).contains("refused").doesNotContain("connected\n");
    }

    @Test
    void httpGetFetchesOnlyFromAllowedHostsAndCapsTheBody() {
        ProviderFakes.wireMock()
                .stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/page"))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/plain; charset=utf-8")
                                .withBody("hello from the web")));
        ProviderFakes.wireMock()
                .stubFor(get(urlEqualTo("/big"))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/plain")
                                .withBody("x".repeat(200_000))));
        ProviderFakes.wireMock()
                .stubFor(get(urlEqualTo("/away"))
                        .willReturn(aResponse()
                                .withStatus(302)
                                .withHeader(
                                        "Location",
                                        "http://localhost:"
                                                + ProviderFakes.wireMock().port() + "/page")));
        ProviderFakes.wireMock()
                .stubFor(get(urlEqualTo("/image"))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "image/png")
                                .withBody(new byte[] {1, 2, 3})));
        String base = "http://127.0.0.1:" + ProviderFakes.wireMock().port();

        assertThat(http.httpGet(base + "/page")).startsWith("HTTP 200").contains("hello from the web");
        // A fetch made inside a turn's trace carries it to the server.
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder("fetch-test").startSpan();
        try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
            http.httpGet(base + "/page?traced");
        } finally {
            span.end();
        }
        var traced = ProviderFakes.wireMock()
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo("/page?traced")));
        assertThat(traced).hasSize(1);
        assertThat(traced.getFirst().getHeader("traceparent"))
                .contains(span.getSpanContext().getTraceId());
        assertThat(http.httpGet(base + "/big")).contains("cut").hasSizeLessThan(70_000);
        assertThat(http.httpGet(base + "/image")).contains("3 bytes of image/png content, not shown");
        assertThatThrownBy(() -> http.httpGet(base + "/away"))
                .hasMessageContaining("localhost")
                .hasMessageContaining("allowlist");
        assertThatThrownBy(() -> http.httpGet(
                        "http://localhost:" + ProviderFakes.wireMock().port() + "/page"))
                .hasMessageContaining("allowlist");
        assertThatThrownBy(() -> http.httpGet("file:///etc/passwd")).hasMessageContaining("http");
        assertThatThrownBy(() -> http.httpGet("http://2130706433/")).isInstanceOf(IllegalArgumentException.class);
    }
}
