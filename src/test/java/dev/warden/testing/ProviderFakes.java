package dev.warden.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

/**
 * Fake model providers for the tests: one WireMock server that speaks OpenAI, Gemini and Ollama (each test stubs the
 * answers it needs, in the provider's real wire format), reached through a {@link ConnectionTrackingProxy}.
 */
public class ProviderFakes implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer wireMock;
    private static ConnectionTrackingProxy proxy;

    public static WireMockServer wireMock() {
        return wireMock;
    }

    public static ConnectionTrackingProxy proxy() {
        return proxy;
    }

    /** The test profile's data directory ({@code %test.warden.data-dir}), emptied before the application starts. */
    static final Path TEST_DATA = Path.of("target/test-data");

    @Override
    public Map<String, String> start() {
        deleteRecursively(TEST_DATA);
        wireMock = new WireMockServer(
                wireMockConfig().dynamicPort().containerThreads(20).asynchronousResponseEnabled(true));
        wireMock.start();
        try {
            proxy = new ConnectionTrackingProxy(wireMock.port());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String base = "http://localhost:" + proxy.port();
        return Map.of(
                "warden.model.openai.base-url", base + "/v1/",
                "warden.model.gemini.base-url", base + "/v1beta",
                "warden.model.ollama.base-url", base);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } catch (IOException ignored) {
        }
        if (wireMock != null) {
            wireMock.stop();
        }
    }
}
