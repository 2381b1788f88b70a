package dev.warden.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The systemd unit's promises, on the parsed unit file. {@code .ci/run} also runs {@code systemd-analyze verify} and
 * {@code systemd-analyze security} on it; this test runs {@code verify} too where systemd-analyze exists.
 */
class SystemdUnitTest {

    static final Path DIR = Path.of("src/main/systemd");
    static final Path UNIT = DIR.resolve("warden.service");
    static final Path ENV_EXAMPLE = DIR.resolve("warden.env.example");

    /** Section → directive → values (a directive may repeat). */
    static Map<String, Map<String, List<String>>> unit() throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String raw : Files.readAllLines(UNIT)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            assertThat(equals).as("directive line: " + line).isPositive();
            assertThat(current).as("directive outside a section: " + line).isNotNull();
            current.computeIfAbsent(line.substring(0, equals).strip(), k -> new ArrayList<>())
                    .add(line.substring(equals + 1).strip());
        }
        return sections;
    }

    static Map<String, List<String>> service() throws IOException {
        return unit().get("Service");
    }

    static String one(String directive) throws IOException {
        List<String> values = service().get(directive);
        assertThat(values).as(directive).isNotNull().hasSize(1);
        return values.getFirst();
    }

    @Test
    void runsUnprivilegedWithTheIssuesHardening() throws IOException {
        assertThat(one("User")).isEqualTo("warden");
        assertThat(one("NoNewPrivileges")).isEqualTo("yes");
        assertThat(one("ProtectSystem")).isEqualTo("strict");
        assertThat(one("PrivateTmp")).isEqualTo("yes");
        assertThat(one("ProtectHome")).isEqualTo("yes");
        assertThat(one("CapabilityBoundingSet")).as("no capabilities at all").isEmpty();
        assertThat(one("RestrictSUIDSGID")).isEqualTo("yes");
        assertThat(one("PrivateDevices")).isEqualTo("yes");
    }

    @Test
    void writesOnlyItsDataDirectory() throws IOException {
        String dataDir = environment().get("WARDEN_DATA_DIR");
        assertThat(dataDir).isEqualTo("/var/lib/warden");
        assertThat(service().get("ReadWritePaths")).containsExactly(dataDir);
        assertThat(one("WorkingDirectory")).isEqualTo(dataDir);
        assertThat(one("StateDirectory")).isEqualTo("warden");
    }

    @Test
    void readsSettingsFromARequiredEnvironmentFile() throws IOException {
        assertThat(one("EnvironmentFile"))
                .as("no '-' prefix: a missing file is an error, not a start without secrets")
                .isEqualTo("/etc/warden/warden.env");
        assertThat(one("ExecStart")).contains("-jar /opt/warden/quarkus-run.jar");
    }

    @Test
    void restartsAfterFailuresAndStopsGracefully() throws IOException {
        assertThat(one("Restart")).isEqualTo("on-failure");
        assertThat(one("SuccessExitStatus")).contains("143");
        assertThat(one("KillMode"))
                .as("SIGTERM to Warden first, it ends its tools")
                .isEqualTo("mixed");
        Duration grace = ComposeStackTest.duration(Yaml.dotenv(ENV_EXAMPLE).get("WARDEN_SHUTDOWN_GRACE_PERIOD"));
        assertThat(ComposeStackTest.duration(one("TimeoutStopSec"))).isGreaterThanOrEqualTo(grace.plusSeconds(10));
    }

    @Test
    void leavesTheSandboxWhatBubblewrapNeeds() throws IOException {
        // Each of these breaks run_shell's bwrap sandbox (see the comment in warden.service).
        assertThat(service().keySet())
                .doesNotContain(
                        "ProtectKernelTunables",
                        "ProtectKernelLogs",
                        "ProtectProc",
                        "RestrictNamespaces",
                        "PrivateUsers",
                        "SystemCallFilter",
                        "MemoryDenyWriteExecute");
    }

    @Test
    void environmentExampleHoldsOnlyKnownSettingsAndNoSecret() throws IOException {
        Map<String, String> env = Yaml.dotenv(ENV_EXAMPLE);
        assertThat(WardenEnvironment.unknownNames(env.keySet())).isEmpty();
        env.forEach((name, value) -> {
            if (ComposeStackTest.SECRET.matcher(name).matches()) {
                assertThat(value).as(name).isEmpty();
            }
        });
        Map<String, String> filled = new LinkedHashMap<>(env);
        filled.values().removeIf(String::isEmpty); // systemd passes an empty value, but the operator fills these in
        filled.putAll(environment());
        WardenEnvironment.load(filled);
    }

    @Test
    void systemUserMatchesTheImages() throws IOException {
        List<String> entries = Files.readAllLines(DIR.resolve("warden.sysusers.conf")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();
        assertThat(entries)
                .singleElement()
                .asString()
                .matches("u warden 10001 \"[^\"]+\" /var/lib/warden /usr/sbin/nologin");
    }

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed (.ci/run runs it)");
        Process verify = new ProcessBuilder(
                        analyze.toString(), "verify", UNIT.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .start();
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.exitValue()).as(output).isZero();
        // verify only warns (exit 0) about unknown directives and bad values: any output is a finding.
        assertThat(output).isBlank();
    }

    /** The {@code Environment=} assignments. */
    static Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String assignment : service().get("Environment")) {
            int equals = assignment.indexOf('=');
            env.put(assignment.substring(0, equals), assignment.substring(equals + 1));
        }
        return env;
    }
}
