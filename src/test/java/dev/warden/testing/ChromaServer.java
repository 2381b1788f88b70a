package dev.warden.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Chroma server for the tests: the one {@code WARDEN_TEST_CHROMA_URL} names, or else {@code chroma run} from the
 * npm package {@code chromadb} (version and the bindings override in {@code src/test/chroma/package.json}), installed
 * on first use into {@code ~/.cache/warden-chroma} (or {@code WARDEN_TEST_CHROMA_HOME}), listening on 127.0.0.1 on a
 * free port, with its data in a temporary directory removed afterwards. One server per JVM; tests can stop and start
 * it again ({@link #stopServer()}, {@link #startServer()}) on the same port and data to play an outage.
 */
public class ChromaServer implements QuarkusTestResourceLifecycleManager {

    static final Path PACKAGE = Path.of("src/test/chroma/package.json");

    private static String url;
    private static int port;
    private static Path data;
    private static Process process;
    private static boolean external;

    @Override
    public Map<String, String> start() {
        return Map.of("warden.memory.store", "chroma", "warden.memory.chroma.url", url());
    }

    @Override
    public void stop() {
        // The server lives as long as the JVM (plain contract tests share it); a shutdown hook removes it.
    }

    /** The server's base URL, starting it on first use. */
    public static synchronized String url() {
        if (url != null) {
            return url;
        }
        String given = System.getenv("WARDEN_TEST_CHROMA_URL");
        if (given != null && !given.isBlank()) {
            external = true;
            url = given;
            return url;
        }
        try {
            port = freePort();
            data = Files.createTempDirectory("warden-chroma-");
            url = "http://127.0.0.1:" + port;
            startServer();
            Runtime.getRuntime().addShutdownHook(new Thread(ChromaServer::shutdown));
            return url;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Could not start a Chroma server for the tests: " + e.getMessage()
                            + ". Run .ci/run's install step or set WARDEN_TEST_CHROMA_URL.",
                    e);
        }
    }

    /** Starts the server (again) on the same port and data directory, and waits until it answers. */
    public static synchronized void startServer() {
        if (external) {
            throw new IllegalStateException("WARDEN_TEST_CHROMA_URL names an external server; it cannot be restarted");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Path chroma = install();
            Path log = Path.of("target", "chroma-" + port + ".log");
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(
                            chroma.toString(),
                            "run",
                            "--path",
                            data.toString(),
                            "--host",
                            "127.0.0.1",
                            "--port",
                            String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!answers()) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("chroma run exited with " + process.exitValue() + "; see " + log);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("chroma run did not answer within 60 s; see " + log);
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not start chroma: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server (its data stays, for {@link #startServer()}); afterwards its port refuses connections. */
    public static synchronized void stopServer() {
        if (external) {
            throw new IllegalStateException("WARDEN_TEST_CHROMA_URL names an external server; it cannot be stopped");
        }
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** True when the tests manage the server themselves (so they may stop and start it). */
    public static boolean managed() {
        url();
        return !external;
    }

    private static boolean answers() {
        try (HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(1))
                .version(HttpClient.Version.HTTP_1_1)
                .build()) {
            HttpResponse<Void> response = client.send(
                    HttpRequest.newBuilder(URI.create(url + "/api/v2/heartbeat"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The {@code chroma} command, installed with npm when it is not there yet (or the package file changed). */
    static Path install() throws IOException, InterruptedException {
        String home = System.getenv("WARDEN_TEST_CHROMA_HOME");
        Path dir = home == null || home.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "warden-chroma")
                : Path.of(home);
        Path chroma = dir.resolve("node_modules/.bin/chroma");
        Path installed = dir.resolve("package.json");
        if (Files.isExecutable(chroma)
                && Files.exists(installed)
                && Files.mismatch(installed, PACKAGE.toAbsolutePath()) == -1) {
            return chroma;
        }
        Files.createDirectories(dir);
        Files.copy(PACKAGE, installed, StandardCopyOption.REPLACE_EXISTING);
        Process npm = new ProcessBuilder(
                        List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString()))
                .redirectErrorStream(true)
                .start();
        String output = new String(npm.getInputStream().readAllBytes());
        if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isExecutable(chroma)) {
            throw new IOException("npm install of chromadb into " + dir + " failed: " + output);
        }
        return chroma;
    }

    private static void shutdown() {
        stopServer();
        if (data != null) {
            try (var paths = Files.walk(data)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
