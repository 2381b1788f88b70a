package dev.warden.security;

import dev.warden.config.WardenConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Refuses to start as root: Warden runs commands an LLM proposed, and a mistake made as root is a mistake on the whole
 * machine. Runs first at start-up, before the database is touched, so a refused start leaves no root-owned files.
 */
@ApplicationScoped
public class RootGuard {

    /** Start-up order: the root check, then migrations, then everything that needs the database. */
    public static final int PRIORITY = 0;

    private final WardenConfig config;

    RootGuard(WardenConfig config) {
        this.config = config;
    }

    void onStart(@Observes @Priority(PRIORITY) StartupEvent event) {
        check(currentUid(), config.allowRoot());
    }

    static void check(OptionalLong uid, boolean allowRoot) {
        if (uid.isPresent() && uid.getAsLong() == 0) {
            if (!allowRoot) {
                throw new RefusedToRunAsRoot();
            }
            Log.warn("Running as root because WARDEN_ALLOW_ROOT=true. Tools run with root's rights unless sandboxed.");
        }
    }

    /** The real uid of this process, from /proc; empty where /proc is missing (not Linux). */
    static OptionalLong currentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return OptionalLong.of(
                            Long.parseLong(line.substring(4).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.debugf("Cannot read the uid from /proc/self/status: %s", e.getMessage());
        }
        return "root".equals(System.getProperty("user.name")) ? OptionalLong.of(0) : OptionalLong.empty();
    }

    /** A configuration error, so Quarkus prints only the message, not a stack trace. */
    static final class RefusedToRunAsRoot extends io.quarkus.runtime.configuration.ConfigurationException {
        RefusedToRunAsRoot() {
            super("Warden refuses to run as root (uid 0). Run it as an unprivileged user, or set"
                    + " WARDEN_ALLOW_ROOT=true if you really mean it.");
        }
    }
}
