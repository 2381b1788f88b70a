package dev.warden.tools.sandbox;

import static dev.warden.tools.sandbox.SandboxRunnerTest.describe;
import static dev.warden.tools.sandbox.SandboxRunnerTest.processesWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Without bubblewrap: refused by default; with require=false the same limits, environment and clean-up, no isolation. */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class SandboxRunnerFallbackTest {

    private static final SandboxSettings MISSING_BWRAP =
            SandboxSettings.defaults().withBwrap("/nonexistent/bwrap").withTimeout(Duration.ofSeconds(20));

    @TempDir
    Path workspace;

    private SandboxRunner plain;

    @BeforeEach
    void runner() {
        plain = SandboxRunnerTest.unsandboxed(MISSING_BWRAP);
    }

    @Test
    void withoutBubblewrapCommandsAreRefusedByDefault() throws IOException {
        SandboxRunner strict = new SandboxRunner(MISSING_BWRAP.withRequire(true));
        SandboxStatus status = strict.check();
        assertThat(status.sandboxed()).isFalse();
        assertThat(status.runnable()).isFalse();
        assertThat(status.detail()).contains("/nonexistent/bwrap").contains("not found");
        assertThatThrownBy(() -> strict.run(workspace, "touch refused"))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("run_shell is not available");
        try (var files = Files.list(workspace)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void requireFalseRunsPlainlyAndSaysSo() throws IOException {
        assertThat(plain.status().detail()).contains("not found").contains("unisolated");
        ShellResult result = plain.run(workspace, "echo hi > made.txt; cat made.txt; id -u; pwd");
        assertThat(result.sandboxed()).isFalse();
        long uid =
                SandboxRunnerTest.runningAsRoot() ? 65534 : Host.effectiveUid().orElseThrow();
        assertThat(result.output()).isEqualTo("hi\n" + uid + "\n" + workspace.toRealPath() + "\n");
    }

    @Test
    void theEnvironmentIsScrubbedAlsoWithoutTheSandbox() {
        ShellResult result = plain.run(workspace, "env");
        Set<String> names = result.output()
                .lines()
                .map(line -> line.substring(0, line.indexOf('=')))
                .collect(Collectors.toSet());
        assertThat(Set.of("PATH", "HOME", "LANG", "TERM", "PWD", "OLDPWD", "SHLVL", "_"))
                .containsAll(names);
        assertThat(names).contains("PATH", "HOME");
    }

    @Test
    void limitsAndTheTimeLimitStillApply() {
        String marker = "95" + (100000 + new java.util.Random().nextInt(800000));
        SandboxRunner quick = new SandboxRunner(MISSING_BWRAP.withRequire(false).withTimeout(Duration.ofSeconds(1)));
        ShellResult result = quick.run(workspace, "sleep 1" + marker + " & sleep 2" + marker);
        assertThat(result.timedOut()).isTrue();
        assertThat(processesWith(marker)).as(describe(marker)).isEmpty();

        ShellResult limits = plain.run(workspace, "cat /proc/self/limits");
        assertThat(limits.output())
                .containsPattern("Max address space +2147483648 +2147483648")
                .containsPattern("Max core file size +0 +0");
    }

    @Test
    void backgroundProcessesAreKilledWhenTheCommandEnds() {
        String marker = "94" + (100000 + new java.util.Random().nextInt(800000));
        ShellResult result = plain.run(workspace, "sleep 1" + marker + " > /dev/null 2>&1 & echo started");
        assertThat(result.output()).isEqualTo("started\n");
        assertThat(processesWith(marker)).as(describe(marker)).isEmpty();
    }

    @Test
    void aForkBombIsContainedByTheProcessLimit() {
        String marker = "bomb" + java.util.UUID.randomUUID().toString().replace("-", "");
        SandboxRunner small = new SandboxRunner(
                MISSING_BWRAP.withRequire(false).withMaxProcesses(64).withTimeout(Duration.ofSeconds(4)));
        ShellResult result =
                small.run(workspace, ": " + marker + "; f() { while :; do f & done; }; f & while :; do wait; done");
        assertThat(result.output()).contains("fork");
        assertThat(result.timedOut()).isTrue();
        assertThat(processesWith(marker)).as(describe(marker)).isEmpty();
    }

    @Test
    void theProcessLimitBinds() {
        SandboxRunner small = new SandboxRunner(MISSING_BWRAP.withRequire(false).withMaxProcesses(64));
        // Without a user namespace the limit is per uid: as root, every process of the configured uid on the machine
        // counts; otherwise Warden's own threads are added to it, and anything else of its user takes room
        assertThat(SandboxRunnerTest.forked(small.run(workspace, SandboxRunnerTest.FORK_COUNTER)))
                .isBetween(32, 63);
    }

    @Test
    void aMissingWorkspaceIsAnError() {
        assertThatThrownBy(() -> plain.run(workspace.resolve("missing"), "true"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
    }
}
