package dev.warden;

import dev.warden.journal.ReplayCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

/**
 * The entry point: runs the service, or with {@code replay FILE.jsonl} verifies an exported session against this
 * version's pipeline and exits (0 identical, 1 divergent, 2 bad input). Replay needs no database of its own: it runs on
 * a throw-away in-memory one, listens on no port, and runs no tool.
 */
@QuarkusMain
public class WardenMain implements QuarkusApplication {

    @Inject
    ReplayCommand replay;

    public static void main(String... args) {
        if (args.length > 0 && "replay".equals(args[0])) {
            ReplayCommand.prepareQuietRun();
        }
        Quarkus.run(WardenMain.class, args);
    }

    @Override
    public int run(String... args) {
        if (args.length > 0 && "replay".equals(args[0])) {
            return replay.run(args);
        }
        Quarkus.waitForExit();
        return 0;
    }
}
