package dev.warden.tools.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellParserTest {

    private static List<List<String>> argvs(ParsedCommand parsed) {
        assertThat(parsed).isInstanceOf(ParsedCommand.Simple.class);
        return ((ParsedCommand.Simple) parsed)
                .commands().stream().map(SimpleCommand::argv).toList();
    }

    @Test
    void plainCommandsSplitIntoWords() {
        assertThat(argvs(ShellParser.parse("git status"))).containsExactly(List.of("git", "status"));
        assertThat(argvs(ShellParser.parse("  git\tlog   --oneline -n 5  ")))
                .containsExactly(List.of("git", "log", "--oneline", "-n", "5"));
        assertThat(argvs(ShellParser.parse("ls -la src/main/java")))
                .containsExactly(List.of("ls", "-la", "src/main/java"));
    }

    @Test
    void gitRevisionSyntaxWithoutBracesStaysSimple() {
        assertThat(argvs(ShellParser.parse("git show HEAD~1 HEAD^ v1.2.3:src/a.txt --format=%H,%an")))
                .containsExactly(List.of("git", "show", "HEAD~1", "HEAD^", "v1.2.3:src/a.txt", "--format=%H,%an"));
    }

    @Test
    void quotesAndEscapesAreRemovedAsTheShellRemovesThem() {
        assertThat(argvs(ShellParser.parse("git commit -m 'fix: a; b && c | d $HOME `x`'")))
                .containsExactly(List.of("git", "commit", "-m", "fix: a; b && c | d $HOME `x`"));
        assertThat(argvs(ShellParser.parse("echo \"a b\" 'c'\"d\" e\\ f \"q\\\"q\" \"back\\\\slash\" \"keep\\n\"")))
                .containsExactly(List.of("echo", "a b", "cd", "e f", "q\"q", "back\\slash", "keep\\n"));
        assertThat(argvs(ShellParser.parse("printf '' x ''"))).containsExactly(List.of("printf", "", "x", ""));
        assertThat(argvs(ShellParser.parse("git \"status\""))).containsExactly(List.of("git", "status"));
        assertThat(argvs(ShellParser.parse("echo \\; \\| \\& \\$HOME \\*")))
                .containsExactly(List.of("echo", ";", "|", "&", "$HOME", "*"));
        assertThat(argvs(ShellParser.parse("echo \"wow!\" a#b"))).containsExactly(List.of("echo", "wow!", "a#b"));
    }

    @Test
    void listsKeepEveryCommandAndTheirOperators() {
        ParsedCommand parsed = ShellParser.parse("git status; rm -rf x && ls || cat a | wc -l");
        assertThat(argvs(parsed))
                .containsExactly(
                        List.of("git", "status"),
                        List.of("rm", "-rf", "x"),
                        List.of("ls"),
                        List.of("cat", "a"),
                        List.of("wc", "-l"));
        assertThat(((ParsedCommand.Simple) parsed).connectors())
                .containsExactly(Connector.SEQUENCE, Connector.AND, Connector.OR, Connector.PIPE);
        assertThat(parsed.toString()).isEqualTo("git status ; rm -rf x && ls || cat a | wc -l");
        assertThat(argvs(ShellParser.parse("git status;rm x"))).hasSize(2);
        assertThat(((ParsedCommand.Simple) ShellParser.parse("a|b")).connectors())
                .containsExactly(Connector.PIPE);
    }

    /** Every way to hide a second command, or code, behind an allowed one that the issue and we could think of. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                // background, redirections
                "git status & rm -rf x",
                "git status &",
                "git status > out.txt",
                "git status >> out.txt",
                "git status < in.txt",
                "git status 2> err.txt",
                "git status 2>&1",
                "git status &> all.txt",
                "git status >| x",
                "git status <> x",
                "git status |& cat",
                "git status <<EOF",
                "cat <(rm -rf x)",
                "git status > >(sh)",
                // substitutions and expansions
                "git status $(rm -rf x)",
                "git status \"$(rm -rf x)\"",
                "git status `rm -rf x`",
                "git status \"`rm -rf x`\"",
                "git log $HOME",
                "git log ${HOME}",
                "git log \"$HOME\"",
                "git log $((1+1))",
                "git log $'\\x3b'",
                "git log --author=$USER",
                "$CMD status",
                // evaluators and command runners
                "eval git status",
                "eval 'rm -rf x'",
                "exec rm -rf x",
                "source ./script.sh",
                ". ./script.sh",
                "sh -c 'rm -rf x'",
                "bash -c 'git status; rm -rf x'",
                "/bin/sh -c 'rm -rf x'",
                "/usr/bin/env rm -rf x",
                "env git status",
                "command rm -rf x",
                "builtin eval x",
                "xargs rm < list",
                "sudo rm -rf /",
                "nohup rm -rf x",
                "timeout 5 rm -rf x",
                "e\\val 'rm -rf x'",
                "'eval' 'rm -rf x'",
                "\"sh\" -c x",
                "git status && eval x",
                "git status; exec sh",
                "alias git=rm",
                "export PATH=.",
                "trap 'rm -rf x' EXIT",
                // assignments
                "FOO=1 git status",
                "PATH=. git status",
                "GIT_SSH_COMMAND='rm -rf x' git log",
                "A=1",
                // subshells, grouping, control flow, functions
                "(rm -rf x)",
                "git status; (rm -rf x)",
                "{ rm -rf x; }",
                "if true; then rm -rf x; fi",
                "for f in a; do rm $f; done",
                "while true; do :; done",
                "case x in x) rm y;; esac",
                "f() { rm -rf x; }; f",
                "function f",
                "! git status",
                "[[ -f x ]]",
                // globbing and brace expansion
                "git log *",
                "rm -rf ?",
                "ls [a-z]*",
                "git log {a,b}",
                "git log ~",
                "git log ~/x",
                "ls ~root",
                // comments, newlines, continuations
                "git status # && rm -rf x",
                "git status\nrm -rf x",
                "git status\r\nrm -rf x",
                "git status \\\nrm",
                "git status\\\n; rm -rf x",
                "'git status\nrm -rf x'",
                // unicode look-alikes and invisible characters
                "git status\uFF1B rm -rf x",
                "git status \uFF06\uFF06 rm -rf x",
                "git status \uFF5C rm",
                "git status\u037E rm -rf x",
                "git\u00A0status",
                "git status\u200B",
                "git status \u202Erm",
                "git st\u0430tus",
                "git status \u2044 x",
                "git status\u0000rm",
                "git status\u000Brm",
                // malformed
                "git status 'unterminated",
                "git status \"unterminated",
                "git status \\",
                "git status;",
                "; git status",
                "git status && ",
                "git status ;; ls",
                "| git status",
                "git status || || ls",
                "",
                "   ",
                "''",
                "./",
            })
    void bypassAttemptsAreComplex(String command) {
        assertThat(ShellParser.parse(command)).isInstanceOf(ParsedCommand.Complex.class);
    }

    @Test
    void complexCommandsSayWhy() {
        assertThat(ShellParser.parse("git status $(rm x)")).isEqualTo(new ParsedCommand.Complex("an expansion (`$`)"));
        assertThat(ShellParser.parse("eval x"))
                .isEqualTo(new ParsedCommand.Complex(
                        "`eval`, which runs its arguments as a command or changes the shell"));
        assertThat(ShellParser.parse("a\nb")).isEqualTo(new ParsedCommand.Complex("more than one line"));
        assertThat(((ParsedCommand.Complex) ShellParser.parse("a\uFF1Bb")).reason())
                .contains("U+FF1B");
        assertThat(ShellParser.parse("x".repeat(ShellParser.MAX_LENGTH + 1))).isInstanceOf(ParsedCommand.Complex.class);
        assertThat(ShellParser.parse(null)).isInstanceOf(ParsedCommand.Complex.class);
    }

    @Test
    void roughCommandsFindWordsEvenInsideComplexText() {
        assertThat(ShellParser.roughCommands("git status $(r''m -rf x)"))
                .containsExactly(List.of("git", "status"), List.of("rm", "-rf", "x"));
        assertThat(ShellParser.roughCommands("sh -c \"/bin/rm -rf x\""))
                .containsExactly(List.of("sh", "-c", "/bin/rm", "-rf", "x"));
        assertThat(ShellParser.roughCommands("a\uFF1Bb\n c")).containsExactly(List.of("a"), List.of("b"), List.of("c"));
        assertThat(ShellParser.roughCommands(null)).isEmpty();
    }

    // --- randomized properties -------------------------------------------------------------------------------------

    private static final String ALPHABET = "abgitsx -./=~#;&|<>()$`*?[]{}!'\"\\\t\n%^@:,+_01";
    private static final char[] UNICODE = {'\uFF1B', '\u00A0', '\u202E', '\u200B', '\u0000', '\r', '\u00E9', '\uD83D'};

    private static String randomText(Random random) {
        int length = random.nextInt(24);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(
                    random.nextInt(40) == 0
                            ? UNICODE[random.nextInt(UNICODE.length)]
                            : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    /**
     * A second, independent reading of the quoting rules: does the text hold, outside quotes (or inside double quotes
     * where the shell still expands), anything other than words and the four connectors? Returns the number of
     * connectors, or -1 when it holds something else.
     */
    static int connectorsOrMinusOne(String text) {
        int connectors = 0;
        boolean single = false;
        boolean dbl = false;
        boolean wordStarted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7e || (c < 0x20 && c != '\t')) {
                return -1;
            }
            if (single) {
                single = c != '\'';
                continue;
            }
            if (dbl) {
                if (c == '\\') {
                    i++;
                } else if (c == '$' || c == '`') {
                    return -1;
                } else if (c == '"') {
                    dbl = false;
                }
                continue;
            }
            switch (c) {
                case '\'' -> {
                    single = true;
                    wordStarted = true;
                }
                case '"' -> {
                    dbl = true;
                    wordStarted = true;
                }
                case '\\' -> {
                    i++;
                    wordStarted = true;
                }
                case ' ', '\t' -> wordStarted = false;
                case ';' -> {
                    connectors++;
                    wordStarted = false;
                }
                case '&', '|' -> {
                    if (c == '&' && (i + 1 >= text.length() || text.charAt(i + 1) != '&')) {
                        return -1;
                    }
                    if (i + 1 < text.length() && text.charAt(i + 1) == c) {
                        i++;
                    }
                    connectors++;
                    wordStarted = false;
                }
                case '<', '>', '(', ')', '$', '`', '*', '?', '[', ']', '{', '}', '!' -> {
                    return -1;
                }
                case '#' -> {
                    if (!wordStarted) {
                        return -1;
                    }
                }
                default -> wordStarted = true;
            }
        }
        return single || dbl ? -1 : connectors;
    }

    @Test
    void randomTextNeverThrowsAndIsSimpleOnlyWithoutUnquotedOperators() {
        Random random = new Random(4);
        int simple = 0;
        for (int i = 0; i < 200_000; i++) {
            String text = randomText(random);
            ParsedCommand parsed = ShellParser.parse(text);
            if (parsed instanceof ParsedCommand.Simple list) {
                simple++;
                int connectors = connectorsOrMinusOne(text);
                assertThat(connectors)
                        .as("simple, yet it holds an operator outside quotes: %s", text)
                        .isNotNegative();
                assertThat(list.connectors()).as(text).hasSize(connectors);
                for (SimpleCommand command : list.commands()) {
                    assertThat(command.program()).as(text).doesNotContain("=");
                    assertThat(ShellParser.COMMAND_RUNNERS).as(text).doesNotContain(command.programName());
                }
            }
            assertThatCode(() -> ShellParser.roughCommands(text)).doesNotThrowAnyException();
        }
        assertThat(simple).as("the generator also makes simple commands").isGreaterThan(1_000);
    }

    @Test
    void quotingEveryWordOfASimpleCommandParsesBackToTheSameWords() {
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            String text = randomText(random);
            if (ShellParser.parse(text) instanceof ParsedCommand.Simple list) {
                for (SimpleCommand command : list.commands()) {
                    String requoted = CommandPattern.exact(command.argv()).toString();
                    ParsedCommand again = ShellParser.parse(requoted);
                    assertThat(again).as(text).isInstanceOf(ParsedCommand.Simple.class);
                    assertThat(((ParsedCommand.Simple) again).commands())
                            .as(text)
                            .containsExactly(command);
                }
            }
        }
    }
}
