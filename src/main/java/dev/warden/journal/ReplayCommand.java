package dev.warden.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code java -jar quarkus-run.jar replay FILE.jsonl}: verify an exported session, print the verdict. */
@ApplicationScoped
public class ReplayCommand {

    public static final int IDENTICAL = 0;
    public static final int DIVERGENT = 1;
    public static final int BAD_INPUT = 2;

    private final JournalExport export;
    private final Replayer replayer;
    private final ObjectMapper mapper;

    ReplayCommand(JournalExport export, Replayer replayer, ObjectMapper mapper) {
        this.export = export;
        this.replayer = replayer;
        this.mapper = mapper;
    }

    /**
     * Settings for a replay run, set before Quarkus starts: an in-memory database, no HTTP listener, quiet logs, and no
     * root check (a replay runs no tool and writes nothing).
     */
    public static void prepareQuietRun() {
        System.setProperty("quarkus.datasource.jdbc.url", "jdbc:h2:mem:warden-replay;DB_CLOSE_DELAY=-1");
        System.setProperty("quarkus.http.host-enabled", "false");
        System.setProperty("quarkus.log.level", "WARN");
        System.setProperty("quarkus.log.category.\"dev.warden\".level", "ERROR");
        System.setProperty("warden.allow-root", "true");
        System.setProperty("warden.auth.bootstrap-token", "replay-" + System.nanoTime());
    }

    public int run(String... args) {
        return run(args, System.out, System.err);
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("Usage: java -jar quarkus-run.jar replay FILE.jsonl");
            return BAD_INPUT;
        }
        Path file = Path.of(args[1]);
        JournalExport.Exported exported;
        try {
            exported = export.read(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            err.println("bad input (file_not_found): no such file: " + file);
            return BAD_INPUT;
        } catch (IOException e) {
            err.println("bad input (export_unreadable): " + e.getMessage());
            return BAD_INPUT;
        } catch (JournalExport.BadExport e) {
            err.println("bad input (" + e.code() + "): " + e.getMessage());
            return BAD_INPUT;
        }
        Replayer.Result result = replayer.verify(exported.entries());
        try {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } catch (IOException e) {
            out.println(result);
        }
        out.println(
                result.identical()
                        ? "identical: " + result.turns() + " turn(s), " + result.events() + " event(s) compared"
                        : "divergent at seq " + result.divergence().seq() + "."
                                + result.divergence().sub() + ": "
                                + result.divergence().reason());
        return result.identical() ? IDENTICAL : DIVERGENT;
    }
}
