package dev.warden.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escape attempts against the real sandbox: real bubblewrap, real processes. These run as root on the CI machines and
 * as an ordinary user elsewhere; each test says what it proves in both cases.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class SandboxRunnerTest {

    private static final SandboxSettings SETTINGS = SandboxSettings.defaults().withTimeout(Duration.ofSeconds(20));
    private static SandboxRunner runner;

    @TempDir
    Path temp;

    /** Below a directory only its owner may enter, as Warden's data directory would be. */
    private Path workspace;
    /** Another user's workspace next to ours. */
    private Path neighbour;

    @BeforeAll
    static void bubblewrapWorks() {
        runner = new SandboxRunner(SETTINGS);
        SandboxStatus status = runner.check();
        assertThat(status.sandboxed())
                .as("these tests need a working bubblewrap (apt-get install bubblewrap): %s", status.detail())
                .isTrue();
    }

    @BeforeEach
    void layout() throws IOException {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        workspace = Files.createDirectories(data.resolve("workspaces/alice/s1"));
        neighbour = Files.createDirectories(data.resolve("workspaces/bob/s2"));
        Files.writeString(neighbour.resolve("secret.txt"), "bob's secret");
        Files.writeString(data.resolve("warden.mv.db"), "the database");
    }

    static boolean runningAsRoot() {
        return Host.effectiveUid().orElse(-1) == 0;
    }

    private ShellResult run(String command) {
        return runner.run(workspace, command);
    }

    /** Processes whose command line contains {@code marker}, from the host's view. */
    static List<Long> processesWith(String marker) {
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            return proc.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(path -> {
                        try {
                            return new String(Files.readAllBytes(path.resolve("cmdline"))).contains(marker);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .map(path -> Long.parseLong(path.getFileName().toString()))
                    .filter(pid -> pid != ProcessHandle.current().pid())
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For failure messages: the state, parent and command line of the processes with the marker. */
    static String describe(String marker) {
        StringBuilder text = new StringBuilder();
        for (long pid : processesWith(marker)) {
            try {
                text.append(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))
                        .append('\n');
            } catch (IOException e) {
                text.append(pid).append(" gone\n");
            }
        }
        return text.toString();
    }

    @Test
    void writingInsideTheWorkspaceWorks() throws IOException {
        Files.writeString(workspace.resolve("existing.txt"), "from warden\n");
        ShellResult result = run("echo hello > made.txt && mkdir -p a/b && echo deep > a/b/c.txt && echo more >>"
                + " existing.txt && cat made.txt && pwd && echo $HOME");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.sandboxed()).isTrue();
        assertThat(result.output())
                .isEqualTo("hello\n" + workspace.toRealPath() + "\n" + workspace.toRealPath() + "\n");
        assertThat(Files.readString(workspace.resolve("made.txt"))).isEqualTo("hello\n");
        assertThat(Files.readString(workspace.resolve("a/b/c.txt"))).isEqualTo("deep\n");
        assertThat(Files.readString(workspace.resolve("existing.txt"))).isEqualTo("from warden\nmore\n");
    }

    @Test
    void writingAnywhereElseFails() throws IOException {
        for (String target : List.of(
                neighbour.resolve("planted.txt").toString(),
                workspace.resolve("../planted.txt").toString(),
                temp.resolve("planted.txt").toString(),
                "/usr/planted.txt",
                "/etc/planted.txt",
                "/planted.txt",
                "/dev/planted.txt",
                "/proc/sys/kernel/core_pattern")) {
            ShellResult result = run("echo x > " + target);
            // The workspace's parents exist in the sandbox only, in its private /tmp when the workspace is under
            // /tmp as here: writing there may work, but reaches nothing of the host (checked below).
            if (!target.startsWith("/tmp/")) {
                assertThat(result.exitCode())
                        .as(target + ": " + result.output())
                        .isNotZero();
            }
        }
        try (Stream<Path> files = Files.walk(temp)) {
            assertThat(files.filter(path -> path.getFileName().toString().equals("planted.txt")))
                    .isEmpty();
        }
        assertThat(Path.of("/usr/planted.txt")).doesNotExist();
        assertThat(Path.of("/etc/planted.txt")).doesNotExist();
    }

    @Test
    void theDataDirectoryAndOtherWorkspacesAreInvisible() throws IOException {
        ShellResult secret = run("cat " + neighbour.resolve("secret.txt"));
        assertThat(secret.exitCode()).isNotZero();
        assertThat(secret.output()).doesNotContain("bob's secret").contains("No such file");

        ShellResult database = run("cat " + workspace.resolve("../../../warden.mv.db"));
        assertThat(database.output()).doesNotContain("the database");

        ShellResult listing =
                run("ls -a " + temp.resolve("data/workspaces") + "; ls -a /; ls /root /home /run /var /sys");
        assertThat(listing.output())
                .as("only the path down to our own workspace exists")
                .contains("alice")
                .doesNotContain("bob")
                .doesNotContain("warden.mv.db");
        assertThat(listing.output().lines().filter(line -> line.startsWith("ls: cannot access")))
                .hasSize(5);
    }

    @Test
    void symbolicLinksDoNotLeadOut() throws IOException {
        Files.createSymbolicLink(workspace.resolve("bob"), neighbour);
        Files.createSymbolicLink(workspace.resolve("shadow"), Path.of("/etc/shadow"));
        ShellResult planted = run("cat bob/secret.txt; cat shadow; echo x > bob/planted.txt");
        assertThat(planted.output()).doesNotContain("bob's secret").doesNotContain("root:");
        assertThat(neighbour.resolve("planted.txt")).doesNotExist();

        ShellResult made = run("ln -s " + neighbour + " link && cat link/secret.txt; ln -s /etc/shadow s && cat s");
        assertThat(made.exitCode()).isNotZero();
        assertThat(made.output()).doesNotContain("bob's secret").doesNotContain("root:");
    }

    @Test
    void etcShadowCannotBeRead() {
        ShellResult result = run("cat /etc/shadow");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).doesNotContain("root:");
        ShellResult etc = run("ls /etc");
        assertThat(etc.output().lines().toList())
                .contains("passwd", "group")
                .doesNotContain("shadow", "gshadow", "sudoers", "npmrc", "gitconfig", "pip.conf");
    }

    /**
     * The finding this design builds on: root inside a user namespace still owns every root-owned file it can see. So
     * when Warden is root, commands must run as a real unprivileged uid: a root-only file made visible on purpose
     * (as an extra read-only path) stays unreadable.
     */
    @Test
    @EnabledIf("runningAsRoot")
    void whenWardenIsRootCommandsRunAsAnUnprivilegedUidThatCannotReadRootsFiles() throws IOException {
        Path rootOnly = Files.createDirectories(temp.resolve("root-only"));
        Files.writeString(rootOnly.resolve("key"), "root's key");
        Files.setPosixFilePermissions(rootOnly.resolve("key"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        SandboxRunner withExtra = new SandboxRunner(new SandboxSettings(
                true,
                Duration.ofSeconds(20),
                65536,
                256,
                SETTINGS.maxMemoryBytes(),
                SETTINGS.maxFileBytes(),
                SETTINGS.tmpBytes(),
                65534,
                65534,
                List.of(rootOnly),
                "bwrap"));

        ShellResult result = withExtra.run(workspace, "id -u; ls " + rootOnly + "; cat " + rootOnly + "/key");

        assertThat(result.output())
                .startsWith("65534\nkey\n")
                .contains("Permission denied")
                .doesNotContain("root's key");
        assertThat(Files.getOwner(workspace).getName()).isIn("nobody", "65534");
    }

    @Test
    void commandsRunAsWardensOwnUidOrTheConfiguredOneWhenRoot() {
        ShellResult result = run("id -u");
        long expected = runningAsRoot() ? 65534 : Host.effectiveUid().orElseThrow();
        assertThat(result.output()).isEqualTo(expected + "\n");
    }

    /** The sandbox's loopback is its own: a server listening on the host's 127.0.0.1 is unreachable. */
    @Test
    void theHostsLoopbackIsUnreachable() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String connect = "bash -c 'echo hi > /dev/tcp/127.0.0.1/" + server.getLocalPort() + "'";
            ShellResult result = run(connect);
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.output()).contains("Connection refused");
            server.setSoTimeout(500);
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);

            // The same command outside the sandbox does connect: the check above can fail.
            ShellResult plain = unsandboxed(SETTINGS).run(workspace, connect);
            assertThat(plain.sandboxed()).isFalse();
            assertThat(plain.exitCode()).as(plain.output()).isZero();
            server.setSoTimeout(10_000);
            server.accept().close();
        }
        ShellResult interfaces = run("cat /proc/net/dev");
        assertThat(interfaces.output()).contains("lo:").doesNotContain("eth0");
    }

    @Test
    void theEnvironmentHoldsNothingOfWardens() throws IOException {
        Set<String> allowed = Set.of("PATH", "HOME", "LANG", "TERM", "TMPDIR", "PWD", "OLDPWD", "SHLVL", "_");
        Map<String, String> wardens = System.getenv();
        assertThat(wardens.keySet())
                .as("precondition: this JVM has variables of its own")
                .isNotEmpty();

        ShellResult result = run("env; echo ---; cat /proc/[0-9]*/environ | tr '\\0' '\\n'");
        assertThat(result.exitCode()).as(result.output()).isZero();
        Set<String> names = result.output()
                .lines()
                .filter(line -> line.contains("="))
                .map(line -> line.substring(0, line.indexOf('=')))
                .collect(Collectors.toSet());
        assertThat(allowed).containsAll(names);
        for (Map.Entry<String, String> variable : wardens.entrySet()) {
            if (!allowed.contains(variable.getKey())) {
                assertThat(result.output()).doesNotContain(variable.getKey() + "=");
            }
        }
        assertThat(result.output())
                .contains("HOME=" + workspace.toRealPath().toString().replace("\\", ""));
    }

    @Test
    void exitCodesAreReported() {
        assertThat(run("true").exitCode()).isZero();
        assertThat(run("false").exitCode()).isEqualTo(1);
        assertThat(run("exit 3").exitCode()).isEqualTo(3);
        assertThat(run("sh -c 'kill -9 $$'").exitCode()).isEqualTo(137);
        assertThat(run("no-such-program").exitCode()).isEqualTo(127);
        assertThat(run("exit 3").toToolText()).isEqualTo("[exit code 3]");
    }

    @Test
    void stdoutAndStderrArriveTogetherInOrderAndStdinIsEmpty() {
        ShellResult result = run("echo out; echo err >&2; echo out2; cat; echo after-cat");
        assertThat(result.output()).isEqualTo("out\nerr\nout2\nafter-cat\n");
        assertThat(result.truncated()).isFalse();
        assertThat(result.timedOut()).isFalse();
    }

    @Test
    void limitsAreSet() {
        ShellResult result = run("cat /proc/self/limits");
        assertThat(result.output())
                .containsPattern("Max processes +256 +256")
                .containsPattern("Max address space +2147483648 +2147483648")
                .containsPattern("Max file size +1073741824 +1073741824")
                .containsPattern("Max core file size +0 +0");
        ShellResult tmp = run("echo private > /tmp/warden-probe && cat /tmp/warden-probe && head -c 100000000"
                + " /dev/zero > /tmp/big; echo exit=$?");
        assertThat(tmp.output())
                .startsWith("private\n")
                .contains("No space left on device")
                .contains("exit=1");
        assertThat(Path.of("/tmp/warden-probe")).doesNotExist();
    }

    /**
     * A fork bomb stays within the process limit, the runner returns, and nothing of it is left. Every process of this
     * bomb forks for ever; one that cannot fork any more ends, and the others take its place, while the command's shell
     * only waits: the processes alive at once stay against the limit until the time limit.
     */
    @Test
    void aForkBombIsContained() {
        String marker = "bomb" + java.util.UUID.randomUUID().toString().replace("-", "");
        SandboxRunner small = new SandboxRunner(SETTINGS.withMaxProcesses(64).withTimeout(Duration.ofSeconds(4)));
        AtomicInteger peak = new AtomicInteger();
        AtomicReference<Boolean> sampling = new AtomicReference<>(true);
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(processesWith(marker).size(), Math::max);
            }
        });
        ShellResult result;
        try {
            result =
                    small.run(workspace, ": " + marker + "; f() { while :; do f & done; }; f & while :; do wait; done");
        } finally {
            sampling.set(false);
        }
        assertThat(result.output()).contains("fork");
        assertThat(result.timedOut()).isTrue();
        // the limit counts every process in the sandbox's user namespace; the host also sees the bubblewrap process,
        // whose arguments hold the marker as well (that the limit really binds: theProcessLimitBinds)
        assertThat(peak.get()).as("processes of the bomb seen at once").isBetween(1, 64 + 1);
        assertThat(processesWith(marker)).as(describe(marker)).isEmpty();
    }

    /** Perl's fork returns failure instead of ending the program: count how many processes a command can start. */
    static final String FORK_COUNTER = "perl -e 'my $n = 0; for (1 .. 200) { my $pid = fork; last unless defined $pid;"
            + " if ($pid == 0) { sleep 30; exit 0 } $n++ } print \"forked $n\\n\"; exit 0'";

    static int forked(ShellResult result) {
        java.util.regex.Matcher matcher =
                java.util.regex.Pattern.compile("forked (\\d+)").matcher(result.output());
        assertThat(matcher.find()).as(result.output()).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    /** The limit binds: of 200 processes asked for, only as many start as the limit leaves room for. */
    @Test
    void theProcessLimitBinds() {
        SandboxRunner small = new SandboxRunner(SETTINGS.withMaxProcesses(64));
        // the shell and perl are two of the 64
        assertThat(forked(small.run(workspace, FORK_COUNTER))).isEqualTo(62);
    }

    @Test
    void endlessOutputIsCapped() {
        SandboxRunner small =
                new SandboxRunner(SETTINGS.withTimeout(Duration.ofSeconds(2)).withMaxOutputBytes(1000));
        ShellResult endless = small.run(workspace, "yes warden");
        assertThat(endless.truncated()).isTrue();
        assertThat(endless.timedOut()).isTrue();
        assertThat(endless.output()).startsWith("warden\nwarden\n").contains("[output truncated: the first 1000 of ");
        assertThat(endless.output().length()).isLessThan(1100);

        ShellResult finite = small.run(workspace, "head -c 200000 /dev/zero | tr '\\0' a; echo; echo done");
        assertThat(finite.exitCode()).isZero();
        assertThat(finite.timedOut()).isFalse();
        assertThat(finite.output()).endsWith("\n[output truncated: the first 1000 of 200006 bytes are shown]");
    }

    @Test
    void aCommandIsKilledAtTheTimeLimitWithEveryProcessItStarted() {
        SandboxRunner quick = new SandboxRunner(SETTINGS.withTimeout(Duration.ofSeconds(1)));
        String marker = "98" + (100000 + new java.util.Random().nextInt(800000));
        ShellResult result = quick.run(workspace, "sleep 1" + marker + " & sleep 2" + marker + "; echo never");

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.output()).doesNotContain("never");
        assertThat(result.duration()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(result.toToolText()).contains("[timed out after 1 s");
        assertThat(processesWith(marker)).as(describe(marker)).isEmpty();
    }

    @Test
    void backgroundProcessesDoNotOutliveTheCommand() {
        String marker = "97" + (100000 + new java.util.Random().nextInt(800000));
        ShellResult result = run("sleep 1" + marker + " > /dev/null 2>&1 & echo started");
        assertThat(result.output()).isEqualTo("started\n");
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(15));
        assertThat(processesWith(marker)).as(describe(marker)).isEmpty();
    }

    @Test
    void anInterruptedCallerGetsCancellationAndTheCommandIsKilled() throws InterruptedException {
        String marker = "96" + (100000 + new java.util.Random().nextInt(800000));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                run("sleep 1" + marker);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> !processesWith(marker).isEmpty());
        caller.interrupt();
        caller.join(Duration.ofSeconds(15));
        assertThat(thrown.get()).isInstanceOf(CancellationException.class);
        assertThat(processesWith(marker)).as(describe(marker)).isEmpty();
    }

    @Test
    void theCommandLineHasTheIsolationOptionsAndNeverTheWholeRoot() {
        List<String> argv = runner.sandboxedCommand(runner.setup(), workspace, "ls", temp.resolve("info.json"));
        assertThat(argv)
                .contains(
                        "--die-with-parent",
                        "--new-session",
                        "--unshare-user",
                        "--unshare-pid",
                        "--unshare-net",
                        "--clearenv")
                .containsSequence("--cap-drop", "ALL")
                .containsSequence("--remount-ro", "/")
                .containsSequence("/bin/sh", "-c", "ls");
        String line = String.join(" ", argv);
        assertThat(line).doesNotContain("--ro-bind / /").doesNotContain("--bind / /");
        assertThat(line).doesNotContain("/etc/shadow");
    }

    static SandboxRunner unsandboxed(SandboxSettings settings) {
        SandboxRunner plain =
                new SandboxRunner(settings.withBwrap("/nonexistent/bwrap").withRequire(false));
        SandboxStatus status = plain.check();
        assertThat(status.sandboxed()).isFalse();
        assertThat(status.runnable()).as(status.detail()).isTrue();
        return plain;
    }
}
