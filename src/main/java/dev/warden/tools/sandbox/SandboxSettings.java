package dev.warden.tools.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link SandboxRunner} runs commands. From configuration through {@link SandboxConfig#settings()}; tests build
 * their own.
 *
 * @param require refuse to run commands when bubblewrap is missing or unusable; {@code false} runs them as plain
 *     subprocesses with the same environment, limits and time limit, but without any isolation
 * @param timeout wall-clock limit of one command; then it and every process it started are killed
 * @param maxOutputBytes output kept (stdout and stderr together); the rest is read and discarded
 * @param maxProcesses processes and threads one command may have at once ({@code RLIMIT_NPROC}, counted inside its
 *     own user namespace)
 * @param maxMemoryBytes address space of each process ({@code RLIMIT_AS})
 * @param maxFileBytes largest file a process may write ({@code RLIMIT_FSIZE})
 * @param tmpBytes size of the private {@code /tmp} (a tmpfs, so it is memory)
 * @param rootUid the uid commands run as when Warden itself runs as root
 * @param rootGid the gid commands run as when Warden itself runs as root
 * @param extraReadOnlyPaths host paths made visible read-only in the sandbox, at the same place (e.g. {@code /opt/jdk})
 * @param bwrap the bubblewrap executable: a name looked up on {@code PATH}, or an absolute path
 */
public record SandboxSettings(
        boolean require,
        Duration timeout,
        int maxOutputBytes,
        int maxProcesses,
        long maxMemoryBytes,
        long maxFileBytes,
        long tmpBytes,
        int rootUid,
        int rootGid,
        List<Path> extraReadOnlyPaths,
        String bwrap) {

    public SandboxSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(bwrap, "bwrap");
        extraReadOnlyPaths = extraReadOnlyPaths == null ? List.of() : List.copyOf(extraReadOnlyPaths);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("warden.sandbox.timeout must be positive");
        }
        if (maxOutputBytes < 1 || maxProcesses < 1 || maxMemoryBytes < 1 || maxFileBytes < 1 || tmpBytes < 1) {
            throw new IllegalArgumentException("warden.sandbox limits must be positive");
        }
        if (rootUid <= 0 || rootGid <= 0) {
            throw new IllegalArgumentException("warden.sandbox.root-uid and root-gid must not be root");
        }
        for (Path path : extraReadOnlyPaths) {
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("warden.sandbox.extra-read-only-paths must be absolute: " + path);
            }
        }
    }

    /** The defaults documented on {@link SandboxConfig}. */
    public static SandboxSettings defaults() {
        return new SandboxSettings(
                true,
                Duration.ofSeconds(30),
                64 * 1024,
                256,
                2L * 1024 * 1024 * 1024,
                1024L * 1024 * 1024,
                64L * 1024 * 1024,
                65534,
                65534,
                List.of(),
                "bwrap");
    }

    public SandboxSettings withRequire(boolean require) {
        return new SandboxSettings(
                require,
                timeout,
                maxOutputBytes,
                maxProcesses,
                maxMemoryBytes,
                maxFileBytes,
                tmpBytes,
                rootUid,
                rootGid,
                extraReadOnlyPaths,
                bwrap);
    }

    public SandboxSettings withTimeout(Duration timeout) {
        return new SandboxSettings(
                require,
                timeout,
                maxOutputBytes,
                maxProcesses,
                maxMemoryBytes,
                maxFileBytes,
                tmpBytes,
                rootUid,
                rootGid,
                extraReadOnlyPaths,
                bwrap);
    }

    public SandboxSettings withMaxOutputBytes(int maxOutputBytes) {
        return new SandboxSettings(
                require,
                timeout,
                maxOutputBytes,
                maxProcesses,
                maxMemoryBytes,
                maxFileBytes,
                tmpBytes,
                rootUid,
                rootGid,
                extraReadOnlyPaths,
                bwrap);
    }

    public SandboxSettings withMaxProcesses(int maxProcesses) {
        return new SandboxSettings(
                require,
                timeout,
                maxOutputBytes,
                maxProcesses,
                maxMemoryBytes,
                maxFileBytes,
                tmpBytes,
                rootUid,
                rootGid,
                extraReadOnlyPaths,
                bwrap);
    }

    public SandboxSettings withBwrap(String bwrap) {
        return new SandboxSettings(
                require,
                timeout,
                maxOutputBytes,
                maxProcesses,
                maxMemoryBytes,
                maxFileBytes,
                tmpBytes,
                rootUid,
                rootGid,
                extraReadOnlyPaths,
                bwrap);
    }
}
