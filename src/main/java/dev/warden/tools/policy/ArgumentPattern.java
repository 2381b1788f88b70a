package dev.warden.tools.policy;

import dev.warden.tools.shell.CommandPattern;
import dev.warden.tools.shell.ParsedCommand;
import dev.warden.tools.shell.ShellParser;
import dev.warden.tools.shell.SimpleCommand;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@code scope=session} approval covers: later calls of the same tool with the same argument pattern need no new
 * approval in that session. Plain strings, so they can be stored with the approval.
 *
 * <ul>
 *   <li>{@code run_shell}, only a single simple command (a list, or anything {@link ShellParser} calls complex, gets no
 *       pattern and is asked every time): for a tool with subcommands ({@code git}, {@code npm}, {@code cargo},
 *       {@code docker}, ...) the program and its subcommand, then anything ({@code git log *}; for
 *       {@code npm run test} the script too: {@code npm run test *}); for any other program the exact words
 *       ({@code rm build.log} covers only {@code rm build.log}). A list is covered when each of its commands is.
 *   <li>file tools: the directory of the resolved path ({@code write_file} in {@code notes} covers files directly in
 *       {@code notes}, not below it).
 *   <li>{@code http_get}: the origin (scheme, host, port).
 *   <li>any other tool: every call of it.
 * </ul>
 *
 * <p>A grant only turns {@link Decision#ASK} into allow ({@link RiskPolicy#decide(ToolCall, Collection)}): it never lifts
 * a {@link Decision#DENY}.
 *
 * @param tool the tool the approval was for
 * @param kind what {@code value} is
 * @param value a command pattern, a workspace-relative directory ({@code .} for the root), an origin, or empty
 */
public record ArgumentPattern(String tool, Kind kind, String value) {

    public enum Kind {
        COMMAND,
        DIRECTORY,
        ORIGIN,
        ANY
    }

    /** Programs whose first argument is a subcommand that says what they do. */
    static final Set<String> SUBCOMMAND_PROGRAMS = Set.of(
            "git",
            "npm",
            "pnpm",
            "yarn",
            "npx",
            "bun",
            "bunx",
            "deno",
            "cargo",
            "go",
            "docker",
            "podman",
            "kubectl",
            "helm",
            "gh",
            "pip",
            "pip3",
            "uv",
            "poetry",
            "dotnet",
            "bundle",
            "composer",
            "terraform");

    /** Subcommands that run something named by the next word: that word is part of the pattern. */
    static final Set<String> RUNNING_SUBCOMMANDS = Set.of("run", "exec", "x", "dlx");

    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

    /** The pattern a session approval of this call grants, or empty when the call cannot be approved for a session. */
    public static Optional<ArgumentPattern> of(ToolCall call) {
        return switch (call.subject()) {
            case CallSubject.Command command ->
                commandPattern(command.command())
                        .map(pattern -> new ArgumentPattern(call.tool(), Kind.COMMAND, pattern.toString()));
            case CallSubject.File file ->
                PathGlob.segments(file.resolved())
                        .map(segments -> new ArgumentPattern(call.tool(), Kind.DIRECTORY, directory(segments)));
            case CallSubject.Url url ->
                Origin.parse(url.url()).map(origin -> new ArgumentPattern(call.tool(), Kind.ORIGIN, origin.toString()));
            case CallSubject.None none -> Optional.of(new ArgumentPattern(call.tool(), Kind.ANY, ""));
        };
    }

    /** Whether the grants together cover this call (see the class comment). */
    public static boolean covers(Collection<ArgumentPattern> grants, ToolCall call) {
        List<ArgumentPattern> mine = grants.stream()
                .filter(grant -> grant.tool().equals(call.tool()))
                .toList();
        if (mine.isEmpty()) {
            return false;
        }
        return switch (call.subject()) {
            case CallSubject.Command command -> {
                if (!(ShellParser.parse(command.command()) instanceof ParsedCommand.Simple list)) {
                    yield false;
                }
                List<CommandPattern> patterns = mine.stream()
                        .filter(grant -> grant.kind() == Kind.COMMAND)
                        .flatMap(grant -> parseQuietly(grant.value()).stream())
                        .toList();
                yield list.commands().stream()
                        .allMatch(simple -> patterns.stream().anyMatch(pattern -> pattern.matches(simple)));
            }
            case CallSubject.File file ->
                PathGlob.segments(file.resolved())
                        .map(ArgumentPattern::directory)
                        .map(directory -> mine.stream()
                                .anyMatch(grant -> grant.kind() == Kind.DIRECTORY
                                        && grant.value().equals(directory)))
                        .orElse(false);
            case CallSubject.Url url ->
                Origin.parse(url.url())
                        .map(origin -> mine.stream()
                                .anyMatch(grant -> grant.kind() == Kind.ORIGIN
                                        && grant.value().equals(origin.toString())))
                        .orElse(false);
            case CallSubject.None none -> mine.stream().anyMatch(grant -> grant.kind() == Kind.ANY);
        };
    }

    /** For the approval prompt: what "for this session" will cover. */
    public String display() {
        return switch (kind) {
            case COMMAND -> tool + " `" + value + "`";
            case DIRECTORY ->
                tool + " for files directly in " + (value.equals(".") ? "the workspace root" : value + "/");
            case ORIGIN -> tool + " to " + value;
            case ANY -> "every " + tool + " call";
        };
    }

    static Optional<CommandPattern> commandPattern(String command) {
        if (!(ShellParser.parse(command) instanceof ParsedCommand.Simple list) || !list.isSingle()) {
            return Optional.empty();
        }
        SimpleCommand simple = list.commands().getFirst();
        List<String> argv = simple.argv();
        if (SUBCOMMAND_PROGRAMS.contains(simple.program()) && argv.size() >= 2 && isPlain(argv.get(1))) {
            if (!RUNNING_SUBCOMMANDS.contains(argv.get(1))) {
                return Optional.of(CommandPattern.prefix(argv.subList(0, 2)));
            }
            if (argv.size() >= 3 && isPlain(argv.get(2))) {
                return Optional.of(CommandPattern.prefix(argv.subList(0, 3)));
            }
        }
        return Optional.of(CommandPattern.exact(argv));
    }

    private static boolean isPlain(String word) {
        return PLAIN_WORD.matcher(word).matches();
    }

    private static String directory(List<String> segments) {
        return segments.size() <= 1 ? "." : String.join("/", segments.subList(0, segments.size() - 1));
    }

    private static Optional<CommandPattern> parseQuietly(String value) {
        try {
            return Optional.of(CommandPattern.parse(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
