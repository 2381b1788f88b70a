package dev.warden.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged application ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a real process. */
public final class WardenProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final Process process;
    private final Path log;
    private final int port;

    private WardenProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the jar with {@code env} added to this JVM's environment; the output goes to {@code log}. */
    public static WardenProcess start(Map<String, String> env, Path log, String... args) throws IOException {
        int port = freePort();
        java.util.List<String> command = new java.util.ArrayList<>(launcher());
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = new HashMap<>(env);
        environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        return new WardenProcess(builder.start(), log, port);
    }

    /**
     * The native executable when the build made one ({@code -Dnative}: failsafe passes its path as
     * {@code native.image.path}), else the JVM jar.
     */
    static java.util.List<String> launcher() {
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && Files.isExecutable(Path.of(nativeImage))) {
            return java.util.List.of(nativeImage);
        }
        return java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString());
    }

    public URI base() {
        return URI.create("http://localhost:" + port + "/");
    }

    /** Waits until /q/health/ready answers UP, or the process exits. */
    public void awaitReady() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Warden exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(base().resolve("/q/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Warden did not become ready:\n" + log());
    }

    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Warden did not exit");
        }
        return process.exitValue();
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGTERM, as an orchestrator stops it, and wait for the exit. */
    public void stop() throws InterruptedException {
        stop(true);
    }

    /** SIGTERM; waits for the exit only when asked (a test may want to watch the shutdown). */
    public void stop(boolean wait) throws InterruptedException {
        process.destroy();
        if (wait) {
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
