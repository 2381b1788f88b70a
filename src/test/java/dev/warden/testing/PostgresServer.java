package dev.warden.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server for the tests: the one {@code WARDEN_TEST_POSTGRES_URL} names, or else a throw-away cluster
 * made with this machine's {@code initdb}/{@code pg_ctl} (run as the {@code postgres} user when the tests run as root,
 * since PostgreSQL refuses root), listening on 127.0.0.1 on a free port, removed afterwards.
 */
public class PostgresServer implements QuarkusTestResourceLifecycleManager {

    private Path dir;
    private Path bin;
    private boolean asPostgresUser;

    @Override
    public Map<String, String> start() {
        String external = System.getenv("WARDEN_TEST_POSTGRES_URL");
        if (external != null && !external.isBlank()) {
            return Map.of(
                    "warden.database",
                    "postgresql",
                    "warden.database.url",
                    external,
                    "warden.database.username",
                    env("WARDEN_TEST_POSTGRES_USER", "warden"),
                    "warden.database.password",
                    env("WARDEN_TEST_POSTGRES_PASSWORD", ""));
        }
        try {
            bin = findBinaries();
            asPostgresUser = "root".equals(System.getProperty("user.name"));
            dir = Files.createTempDirectory(Path.of("/tmp"), "warden-pg-");
            if (asPostgresUser) {
                run(List.of("chown", "postgres:postgres", dir.toString()), false);
            }
            int port = freePort();
            run(
                    List.of(
                            bin.resolve("initdb").toString(),
                            "-D",
                            dir.resolve("data").toString(),
                            "-U",
                            "warden",
                            "--auth=trust",
                            "-E",
                            "UTF8",
                            "--no-sync"),
                    asPostgresUser);
            run(
                    List.of(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            dir.resolve("data").toString(),
                            "-w",
                            "-t",
                            "60",
                            "-l",
                            dir.resolve("server.log").toString(),
                            "-o",
                            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                            "start"),
                    asPostgresUser);
            run(
                    List.of(
                            bin.resolve("createdb").toString(),
                            "-h",
                            "127.0.0.1",
                            "-p",
                            String.valueOf(port),
                            "-U",
                            "warden",
                            "warden"),
                    asPostgresUser);
            return Map.of(
                    "warden.database", "postgresql",
                    "warden.database.url", "jdbc:postgresql://127.0.0.1:" + port + "/warden",
                    "warden.database.username", "warden",
                    "warden.database.password", "");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(
                    "Could not start a PostgreSQL server for the tests: " + e.getMessage()
                            + ". Install PostgreSQL's server binaries (initdb, pg_ctl) or set WARDEN_TEST_POSTGRES_URL.",
                    e);
        }
    }

    @Override
    public void stop() {
        if (dir == null) {
            return;
        }
        try {
            run(
                    List.of(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            dir.resolve("data").toString(),
                            "-m",
                            "immediate",
                            "stop"),
                    asPostgresUser);
        } catch (IOException | InterruptedException | IllegalStateException e) {
            // the directory goes anyway
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
        }
    }

    static Path findBinaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (var versions = Files.list(root)) {
                var found = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.naturalOrder());
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IOException("no PostgreSQL server binaries under " + root);
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
