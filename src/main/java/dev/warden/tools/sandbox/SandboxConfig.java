package dev.warden.tools.sandbox;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code warden.sandbox.*}: how {@code run_shell} commands run (see docs/security.md). Each property can also be set as
 * an environment variable: {@code warden.sandbox.require} is {@code WARDEN_SANDBOX_REQUIRE}.
 */
@ConfigMapping(prefix = "warden.sandbox")
public interface SandboxConfig {

    /**
     * Refuse {@code run_shell} when bubblewrap is missing or unusable. {@code false} runs commands as plain subprocesses
     * (same environment, limits and time limit, but no isolation at all). Default {@code true}.
     */
    @WithDefault("true")
    boolean require();

    /** Time limit of one command; then it and every process it started are killed. Default 30 seconds. */
    @WithDefault("30s")
    Duration timeout();

    /** Output kept per command (stdout and stderr together); the rest is discarded with a notice. Default 64K. */
    @WithDefault("64K")
    MemorySize maxOutput();

    /** Processes and threads one command may have at once. Default 256. */
    @WithDefault("256")
    int maxProcesses();

    /** Address space of each process of a command. Default 2G. */
    @WithDefault("2G")
    MemorySize maxMemory();

    /** Largest file a command may write. Default 1G. */
    @WithDefault("1G")
    MemorySize maxFileSize();

    /** Size of the command's private {@code /tmp}, which lives in memory. Default 64M. */
    @WithDefault("64M")
    MemorySize tmpSize();

    /** The uid commands run as when Warden itself runs as root ({@code WARDEN_ALLOW_ROOT=true}). Default 65534. */
    @WithDefault("65534")
    int rootUid();

    /** The gid commands run as when Warden itself runs as root. Default 65534. */
    @WithDefault("65534")
    int rootGid();

    /** Further host paths visible read-only inside the sandbox, e.g. {@code /opt/jdk}. Default none. */
    Optional<List<Path>> extraReadOnlyPaths();

    /** The bubblewrap executable: a name looked up on {@code PATH} or an absolute path. Default {@code bwrap}. */
    @WithDefault("bwrap")
    String bwrap();

    /** These settings as the runner takes them. */
    default SandboxSettings settings() {
        return new SandboxSettings(
                require(),
                timeout(),
                Math.toIntExact(Math.min(maxOutput().asLongValue(), Integer.MAX_VALUE)),
                maxProcesses(),
                maxMemory().asLongValue(),
                maxFileSize().asLongValue(),
                tmpSize().asLongValue(),
                rootUid(),
                rootGid(),
                extraReadOnlyPaths().orElse(List.of()),
                bwrap());
    }
}
