package dev.warden.tools.sandbox;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Runs {@code run_shell} commands: {@code /bin/sh -c command} in the workspace, under bubblewrap, with a scrubbed
 * environment, no stdin, process, memory and file-size limits, a time limit and an output cap. Blocking: call it off
 * the event loop.
 *
 * <p>Inside the sandbox (see docs/security.md for what this does and does not isolate): new user, PID, network (only
 * a loopback of its own), IPC, UTS and cgroup namespaces; no capabilities; no further user namespaces; a read-only root
 * that holds only {@code /usr} (and the {@code /bin}, {@code /lib*}, {@code /sbin} links or directories), an allowlist
 * of {@code /etc} files, the configured extra read-only paths, a private {@code /proc}, a minimal {@code /dev}, a small
 * private {@code /tmp}, and the workspace, the only writable host directory, at its own path. Nothing else of the host
 * is visible: not the data directory, not other workspaces, not {@code /root}, {@code /home}, {@code /run}, {@code /var}
 * or {@code /sys}. Environment: {@code PATH}, {@code HOME} (the workspace), {@code LANG=C.UTF-8}, {@code TERM=dumb},
 * {@code TMPDIR=/tmp}; nothing of Warden's own.
 *
 * <p>When Warden runs as root ({@code WARDEN_ALLOW_ROOT=true}), commands run as {@link SandboxSettings#rootUid()} and
 * {@link SandboxSettings#rootGid()} instead (root inside a user namespace would still own every root-owned file it can
 * see, and the kernel does not enforce process limits for uid 0): before each command the workspace is handed to that
 * uid ({@code chown -R}), and the command's processes are real processes of that uid.
 *
 * <p>Without usable bubblewrap ({@link #check()}), commands are refused, or with {@code require=false} run as plain
 * subprocesses with the same environment, limits and time limit but no isolation whatsoever.
 */
@ApplicationScoped
public class SandboxRunner {

    /** {@code PATH} inside the sandbox. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * The parts of {@code /etc} a command sees: what programs need to look up users, load libraries, know the time
     * zone and verify TLS certificates. Files that often hold credentials ({@code npmrc}, {@code pip.conf},
     * {@code gitconfig}, {@code ssl/private}, {@code shadow}) are deliberately absent.
     */
    static final List<String> ETC_ALLOWLIST = List.of(
            "/etc/passwd",
            "/etc/group",
            "/etc/nsswitch.conf",
            "/etc/hosts",
            "/etc/host.conf",
            "/etc/ld.so.cache",
            "/etc/ld.so.conf",
            "/etc/ld.so.conf.d",
            "/etc/alternatives",
            "/etc/localtime",
            "/etc/timezone",
            "/etc/os-release",
            "/etc/lsb-release",
            "/etc/debian_version",
            "/etc/alpine-release",
            "/etc/protocols",
            "/etc/services",
            "/etc/mime.types",
            "/etc/magic",
            "/etc/locale.alias",
            "/etc/ssl/certs",
            "/etc/ssl/openssl.cnf",
            "/etc/ca-certificates",
            "/etc/pki/tls/certs",
            "/etc/pki/ca-trust/extracted");

    /** Top-level system directories: bound read-only, or recreated as the same symbolic link (merged /usr). */
    static final List<String> SYSTEM_DIRECTORIES = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    /** Directories that can carry the workspace's bind mount when Warden is root (see {@link #portal}). */
    static final List<String> PORTAL_CANDIDATES = List.of("/mnt", "/media", "/srv", "/opt", "/var/tmp", "/tmp");

    private static final String HOSTNAME = "warden-sandbox";
    private static final File DEV_NULL = new File("/dev/null");
    private static final Duration READER_GRACE = Duration.ofSeconds(5);

    /** Serialises commands per workspace when Warden is root: handing the workspace over must not race a command. */
    private static final ReentrantLock[] WORKSPACE_LOCKS =
            Stream.generate(ReentrantLock::new).limit(64).toArray(ReentrantLock[]::new);

    private final SandboxSettings settings;
    private final boolean root;
    private volatile Setup setup;

    @Inject
    SandboxRunner(SandboxConfig config) {
        this(config.settings());
    }

    public SandboxRunner(SandboxSettings settings) {
        this.settings = Objects.requireNonNull(settings);
        OptionalLong uid = Host.effectiveUid();
        this.root = uid.isPresent() && uid.getAsLong() == 0;
    }

    public SandboxSettings settings() {
        return settings;
    }

    /**
     * Finds bubblewrap and the helper programs and runs a trivial command in a sandbox to prove they work here; logs
     * the outcome (a warning when commands will run without a sandbox or not at all). Call it at start-up; {@link #run}
     * calls it on first use otherwise. Repeats the probe each time it is called.
     */
    public synchronized SandboxStatus check() {
        Setup probed = probe();
        setup = probed;
        SandboxStatus status = probed.status();
        if (status.sandboxed()) {
            Log.infof("run_shell sandbox: %s", status.detail());
        } else if (status.runnable()) {
            Log.warnf("run_shell runs commands WITHOUT a sandbox (warden.sandbox.require=false): %s", status.detail());
        } else {
            Log.warnf(
                    "run_shell is disabled: %s. Install bubblewrap (bwrap), or set warden.sandbox.require=false to run"
                            + " commands without a sandbox.",
                    status.detail());
        }
        return status;
    }

    /** The outcome of the last {@link #check()}, probing first if there was none. */
    public SandboxStatus status() {
        Setup current = setup;
        return current != null ? current.status() : check();
    }

    /** The probed setup, probing first if needed. */
    Setup setup() {
        status();
        return setup;
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c} in {@code workspace}; blocks until it ends, its time limit kills it,
     * or the calling thread is interrupted (then it is killed and {@link CancellationException} thrown).
     *
     * @throws SandboxUnavailableException when commands cannot run here (see {@link #check()})
     * @throws IllegalArgumentException when the workspace does not exist
     */
    public ShellResult run(Path workspace, String command) {
        Objects.requireNonNull(command, "command");
        status();
        Setup current = setup;
        if (!current.status().runnable()) {
            throw new SandboxUnavailableException("run_shell is not available on this server: commands may only run in"
                    + " a sandbox, and the sandbox cannot run here");
        }
        Path directory;
        try {
            directory = workspace.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("The workspace does not exist", e);
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("The workspace is not a directory");
        }
        if (!root) {
            return execute(current, directory, command);
        }
        ReentrantLock lock = WORKSPACE_LOCKS[Math.floorMod(directory.hashCode(), WORKSPACE_LOCKS.length)];
        lock.lock();
        try {
            handOver(current, directory);
            return execute(current, directory, command);
        } finally {
            lock.unlock();
        }
    }

    private ShellResult execute(Setup setup, Path workspace, String command) {
        boolean sandboxed = setup.status().sandboxed();
        Path info = null;
        try {
            List<String> argv;
            if (sandboxed) {
                info = Files.createTempFile("warden-sandbox-", ".json");
                argv = sandboxedCommand(setup, workspace, command, info);
            } else {
                argv = plainCommand(setup, command);
            }
            return execute(argv, workspace, sandboxed, info);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the command", e);
        } finally {
            if (info != null) {
                try {
                    Files.deleteIfExists(info);
                } catch (IOException e) {
                    Log.debugf("Cannot delete %s: %s", info, e.getMessage());
                }
            }
        }
    }

    private ShellResult execute(List<String> argv, Path workspace, boolean sandboxed, Path info) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(workspace.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        builder.environment().clear();
        builder.environment().putAll(sandboxed ? Map.of("PATH", PATH, "LANG", "C.UTF-8") : environment(workspace));

        long started = System.nanoTime();
        Process process = ProcessLauncher.start(builder);
        OutputCollector output = new OutputCollector(process.getInputStream(), settings.maxOutputBytes());
        Thread reader = Thread.ofVirtual().name("warden-sandbox-output").start(output);
        boolean timedOut;
        try {
            timedOut = !process.waitFor(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            end(process, info);
            Thread.currentThread().interrupt();
            throw new CancellationException("run_shell was interrupted; the command was killed");
        }
        end(process, info);
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        try {
            reader.join(READER_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ShellResult(
                timedOut ? -1 : process.exitValue(), output.text(), output.truncated(), timedOut, duration, sandboxed);
    }

    /**
     * Makes sure nothing of the command is left when {@link #run} returns: after a timeout or an interrupt the
     * sandbox's init (the command's shell) is killed, which ends its whole PID namespace, then bubblewrap; every
     * process seen is awaited. Without a sandbox, stray background processes in the command's session are killed too.
     *
     * @param info bubblewrap's {@code --info-fd} output; null without a sandbox
     */
    private static void end(Process process, Path info) {
        List<Long> killed = new ArrayList<>();
        OptionalLong init = info == null ? OptionalLong.empty() : ProcessTrees.sandboxInit(info);
        if (process.isAlive() && init.isPresent()) {
            ProcessTrees.killInit(process, init.getAsLong());
        }
        killed.addAll(ProcessTrees.kill(process));
        if (info == null) {
            killed.addAll(ProcessTrees.killSession(process.pid()));
        }
        init.ifPresent(killed::add);
        ProcessTrees.awaitEnd(killed);
    }

    /** The sandbox's variables; also the whole environment of an unsandboxed command. */
    private static Map<String, String> environment(Path workspace) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", PATH);
        environment.put("HOME", workspace.toString());
        environment.put("LANG", "C.UTF-8");
        environment.put("TERM", "dumb");
        return environment;
    }

    private List<String> limits(Setup setup, int extraProcesses) {
        return List.of(
                setup.prlimit().toString(),
                "--nproc=" + (settings.maxProcesses() + extraProcesses) + ":"
                        + (settings.maxProcesses() + extraProcesses),
                "--as=" + settings.maxMemoryBytes() + ":" + settings.maxMemoryBytes(),
                "--fsize=" + settings.maxFileBytes() + ":" + settings.maxFileBytes(),
                "--core=0:0",
                "--nofile=1024:1024",
                "--");
    }

    /**
     * The whole command line under bubblewrap; package-private so tests can read it.
     *
     * @param info where bubblewrap reports its init's pid ({@code --info-fd 3}, opened by a small shell wrapper)
     */
    List<String> sandboxedCommand(Setup setup, Path workspace, String command, Path info) {
        List<String> argv = new ArrayList<>();
        Path source = workspace;
        if (root) {
            // bwrap runs as the unprivileged uid and could not reach a workspace below a directory only root may
            // enter: a private mount namespace shows the workspace at a directory everyone may enter, for bwrap only.
            source = portal(workspace);
            argv.addAll(List.of(
                    setup.unshare().toString(),
                    "--mount",
                    "--propagation",
                    "private",
                    "--",
                    "/bin/sh",
                    "-c",
                    "exec 3>\"$1\" || exit 125; \"$2\" --bind \"$3\" \"$4\" || exit 125; shift 4; exec \"$@\"",
                    "warden-sandbox",
                    info.toString(),
                    setup.mount().toString(),
                    workspace.toString(),
                    source.toString(),
                    setup.setpriv().toString(),
                    "--reuid=" + settings.rootUid(),
                    "--regid=" + settings.rootGid(),
                    "--clear-groups",
                    "--inh-caps=-all",
                    "--bounding-set=-all",
                    "--no-new-privs",
                    "--"));
        } else {
            argv.addAll(List.of(
                    "/bin/sh",
                    "-c",
                    "exec 3>\"$1\" || exit 125; shift; exec \"$@\"",
                    "warden-sandbox",
                    info.toString()));
        }
        argv.add(setup.bwrap().toString());
        argv.addAll(List.of(
                "--info-fd",
                "3",
                // The shell is the namespace's init: bubblewrap then waits for it, and so for the whole namespace to be
                // gone, before it exits (with its own init, bubblewrap exits first and leaves the init to be reaped by
                // whatever reaps orphans here, if anything does).
                "--as-pid-1",
                "--die-with-parent",
                "--new-session",
                "--unshare-user",
                "--unshare-ipc",
                "--unshare-pid",
                "--unshare-net",
                "--unshare-uts",
                "--unshare-cgroup-try"));
        if (setup.disableUserns()) {
            argv.add("--disable-userns");
        }
        argv.addAll(List.of("--hostname", HOSTNAME, "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev"));
        if (setup.tmpfsSize()) {
            // first: the binds below may lie under /tmp (the workspace in tests, say), and a later tmpfs would hide
            // them
            argv.addAll(List.of("--size", Long.toString(settings.tmpBytes()), "--tmpfs", "/tmp"));
        }
        argv.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String directory : SYSTEM_DIRECTORIES) {
            Path path = Path.of(directory);
            if (Files.isSymbolicLink(path)) {
                try {
                    argv.addAll(
                            List.of("--symlink", Files.readSymbolicLink(path).toString(), directory));
                } catch (IOException e) {
                    Log.debugf("Cannot read the link %s: %s", directory, e.getMessage());
                }
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                argv.addAll(List.of("--ro-bind", directory, directory));
            }
        }
        for (String entry : ETC_ALLOWLIST) {
            argv.addAll(List.of("--ro-bind-try", entry, entry));
        }
        for (Path extra : settings.extraReadOnlyPaths()) {
            argv.addAll(List.of("--ro-bind-try", extra.toString(), extra.toString()));
        }
        argv.addAll(List.of(
                "--bind",
                source.toString(),
                workspace.toString(),
                "--remount-ro",
                "/dev",
                "--remount-ro",
                "/",
                "--chdir",
                workspace.toString(),
                "--clearenv"));
        environment(workspace).forEach((name, value) -> argv.addAll(List.of("--setenv", name, value)));
        if (setup.tmpfsSize()) {
            argv.addAll(List.of("--setenv", "TMPDIR", "/tmp"));
        }
        argv.add("--");
        argv.addAll(limits(setup, 0));
        argv.addAll(List.of("/bin/sh", "-c", command));
        return argv;
    }

    /** The command line without bubblewrap: same environment and limits, no isolation. */
    List<String> plainCommand(Setup setup, String command) {
        List<String> argv = new ArrayList<>();
        // A session of its own, so that stray background processes can be found and killed afterwards.
        argv.add(setup.setsid().toString());
        int extraProcesses = 0;
        if (root) {
            argv.addAll(List.of(
                    setup.setpriv().toString(),
                    "--reuid=" + settings.rootUid(),
                    "--regid=" + settings.rootGid(),
                    "--clear-groups",
                    "--inh-caps=-all",
                    "--bounding-set=-all",
                    "--no-new-privs",
                    "--"));
        } else {
            // Without a user namespace the limit counts every thread of Warden's user, Warden's own included.
            extraProcesses = Host.threadsOfUser(Host.effectiveUid().orElse(-1));
        }
        argv.addAll(limits(setup, extraProcesses));
        argv.addAll(List.of("/bin/sh", "-c", command));
        return argv;
    }

    /**
     * A directory, world-enterable and not above the workspace or an extra read-only path, over which the workspace is
     * mounted in a private mount namespace when Warden is root.
     */
    Path portal(Path workspace) {
        for (String candidate : PORTAL_CANDIDATES) {
            Path path = Path.of(candidate);
            boolean inUse = workspace.startsWith(path)
                    || settings.extraReadOnlyPaths().stream().anyMatch(extra -> extra.startsWith(path));
            if (!inUse && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && enterableByAll(path)) {
                return path;
            }
        }
        throw new IllegalStateException("No directory to carry the workspace mount: none of " + PORTAL_CANDIDATES
                + " exists, can be entered by everyone and lies outside the workspace");
    }

    private static boolean enterableByAll(Path path) {
        for (Path current = path; current != null; current = current.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(current).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * When Warden is root: gives the workspace to the unprivileged uid commands run as, without following symbolic
     * links ({@code chown -R -h}, which walks directories by file descriptor, so a link swapped in cannot redirect it).
     * Called under the workspace's lock, so no command of this workspace runs meanwhile.
     */
    private void handOver(Setup setup, Path workspace) {
        try {
            Process chown = new ProcessBuilder(
                            setup.chown().toString(),
                            "-R",
                            "-h",
                            settings.rootUid() + ":" + settings.rootGid(),
                            "--",
                            workspace.toString())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .start();
            String output = new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!chown.waitFor(60, TimeUnit.SECONDS) || chown.exitValue() != 0) {
                Log.warnf("Could not hand the workspace to uid %d: %s", settings.rootUid(), output.strip());
            }
        } catch (IOException e) {
            Log.warnf("Could not hand the workspace to uid %d: %s", settings.rootUid(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("run_shell was interrupted");
        }
    }

    /** What the probe found: the status and the programs to use. */
    record Setup(
            SandboxStatus status,
            Path bwrap,
            Path prlimit,
            Path setsid,
            Path setpriv,
            Path unshare,
            Path mount,
            Path chown,
            boolean disableUserns,
            boolean tmpfsSize) {}

    private Setup probe() {
        if (!Host.isLinux()) {
            return unavailable("run_shell needs Linux");
        }
        Map<String, Optional<Path>> tools = new LinkedHashMap<>();
        tools.put("prlimit", Host.executable("prlimit"));
        tools.put("setsid", Host.executable("setsid"));
        if (root) {
            tools.put("setpriv", Host.executable("setpriv"));
            tools.put("unshare", Host.executable("unshare"));
            tools.put("mount", Host.executable("mount"));
            tools.put("chown", Host.executable("chown"));
        }
        List<String> missing = tools.entrySet().stream()
                .filter(tool -> tool.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .toList();
        if (!missing.isEmpty()) {
            return unavailable("the programs " + missing + " (util-linux, coreutils) are missing; they set the"
                    + " process limits and the command's identity");
        }
        Path prlimit = tools.get("prlimit").orElseThrow();
        Path setsid = tools.get("setsid").orElseThrow();
        Path setpriv = tools.getOrDefault("setpriv", Optional.empty()).orElse(null);
        Path unshare = tools.getOrDefault("unshare", Optional.empty()).orElse(null);
        Path mount = tools.getOrDefault("mount", Optional.empty()).orElse(null);
        Path chown = tools.getOrDefault("chown", Optional.empty()).orElse(null);
        String identity = root
                ? "commands run as uid " + settings.rootUid() + " because Warden runs as root"
                : "commands run as Warden's own uid";

        String problem;
        Optional<Path> bwrap = Host.executable(settings.bwrap());
        if (bwrap.isEmpty()) {
            problem = "bubblewrap (" + settings.bwrap() + ") was not found";
        } else {
            String help = helpText(bwrap.get());
            Setup candidate = new Setup(
                    new SandboxStatus(true, true, "bubblewrap " + bwrap.get() + " works; " + identity),
                    bwrap.get(),
                    prlimit,
                    setsid,
                    setpriv,
                    unshare,
                    mount,
                    chown,
                    help.contains("--disable-userns"),
                    help.contains("--size"));
            problem = trial(candidate);
            if (problem == null) {
                return candidate;
            }
        }
        if (settings.require()) {
            return unavailable(problem);
        }
        return new Setup(
                new SandboxStatus(false, true, problem + "; " + identity + ", unisolated"),
                null,
                prlimit,
                setsid,
                setpriv,
                unshare,
                mount,
                chown,
                false,
                false);
    }

    private static Setup unavailable(String why) {
        return new Setup(new SandboxStatus(false, false, why), null, null, null, null, null, null, null, false, false);
    }

    private static String helpText(Path bwrap) {
        try {
            Process help = new ProcessBuilder(bwrap.toString(), "--help")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .start();
            String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            help.waitFor(10, TimeUnit.SECONDS);
            return text;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Runs a trivial command in a throw-away workspace with the candidate setup; null when it worked, else why not. */
    private String trial(Setup candidate) {
        Path workspace = null;
        try {
            workspace = Files.createTempDirectory("warden-sandbox-probe");
            if (root) {
                handOver(candidate, workspace.toRealPath());
            }
            ShellResult result = execute(candidate, workspace.toRealPath(), "echo warden-sandbox-ok");
            if (result.exitCode() == 0 && result.output().equals("warden-sandbox-ok\n")) {
                return null;
            }
            return "bubblewrap does not work here (exit code " + result.exitCode() + ": "
                    + result.output().strip() + ")";
        } catch (IOException | RuntimeException e) {
            return "bubblewrap could not be tried: " + e.getMessage();
        } finally {
            if (workspace != null) {
                deleteQuietly(workspace);
            }
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    Log.debugf("Cannot delete %s: %s", path, e.getMessage());
                }
            });
        } catch (IOException e) {
            Log.debugf("Cannot delete %s: %s", directory, e.getMessage());
        }
    }
}
