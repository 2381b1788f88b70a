package dev.warden.tools.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code run_shell} command the way {@code /bin/sh} would, but only as far as it can be sure: a plain list of
 * simple commands whose words are final, or {@link ParsedCommand.Complex}.
 *
 * <p>Simple means, outside quotes: words of printable ASCII, separated by spaces or tabs, joined by {@code ;},
 * {@code &&}, {@code ||} or {@code |}. Quotes ({@code '...'}, {@code "..."}) and backslash escapes are removed as the
 * shell removes them. Everything else is complex: any character outside printable ASCII (newlines, control characters,
 * Unicode look-alikes of operators, invisible characters), {@code $} anywhere but inside single quotes, backticks,
 * redirections, {@code &}, parentheses, braces, glob characters, {@code !}, comments, a {@code ~} that would expand, a
 * leading {@code NAME=value}, shell keywords, commands that run other commands ({@code eval}, {@code exec},
 * {@code source}, {@code sh}, {@code env}, {@code xargs}, ...), empty commands and unterminated quotes.
 *
 * <p>It never throws on any input.
 */
public final class ShellParser {

    /** Longer commands are complex: nobody reviews 10,000 characters of shell. */
    public static final int MAX_LENGTH = 10_000;

    /**
     * Programs whose arguments are themselves a command or shell code, or that change the shell running the rest of the
     * line. Matched on the program's name without directory, so {@code /bin/sh} is one.
     */
    static final Set<String> COMMAND_RUNNERS = Set.of(
            // evaluate text or replace the shell
            "eval",
            "exec",
            "source",
            ".",
            "command",
            "builtin",
            "trap",
            "alias",
            "unalias",
            "set",
            "shopt",
            "enable",
            "hash",
            "fc",
            "export",
            "readonly",
            "local",
            "declare",
            "typeset",
            "unset",
            "let",
            "coproc",
            // shells
            "sh",
            "bash",
            "dash",
            "ash",
            "zsh",
            "ksh",
            "mksh",
            "csh",
            "tcsh",
            "fish",
            "busybox",
            // run another program given as arguments
            "env",
            "xargs",
            "sudo",
            "su",
            "doas",
            "nohup",
            "nice",
            "ionice",
            "time",
            "timeout",
            "setsid",
            "stdbuf",
            "chroot",
            "unshare",
            "nsenter",
            "setpriv",
            "runuser",
            "prlimit",
            "strace",
            "ltrace",
            "watch",
            "script",
            "flock",
            "chrt",
            "taskset");

    /** Shell keywords: control flow is never simple. */
    static final Set<String> RESERVED_WORDS = Set.of(
            "if",
            "then",
            "else",
            "elif",
            "fi",
            "case",
            "esac",
            "for",
            "select",
            "while",
            "until",
            "do",
            "done",
            "in",
            "function",
            "{",
            "}",
            "!",
            "[[",
            "]]");

    private ShellParser() {}

    /** Parses {@code command}; {@code null} and blank are complex. Never throws. */
    public static ParsedCommand parse(String command) {
        if (command == null || command.isBlank()) {
            return new ParsedCommand.Complex("an empty command");
        }
        if (command.length() > MAX_LENGTH) {
            return new ParsedCommand.Complex("longer than " + MAX_LENGTH + " characters");
        }
        try {
            return new Lexer(command).run();
        } catch (NotSimple e) {
            return new ParsedCommand.Complex(e.getMessage());
        } catch (RuntimeException e) {
            // A bug here must never make a command simple.
            return new ParsedCommand.Complex("not understood");
        }
    }

    /**
     * Best-effort word lists for any text, also text {@link #parse} calls complex: quotes and backslashes dropped,
     * split into fragments at every operator or other character that is not part of a plain word, and into words at
     * spaces. It over-approximates what might run ({@code echo "rm x"} yields {@code [echo, rm, x]}) and is only meant
     * for finding commands a deny rule names inside a complex command. It cannot see through obfuscation such as
     * {@code $(printf r%s m)}; that is why complex commands are never allowed, only asked or denied.
     */
    public static List<List<String>> roughCommands(String text) {
        List<List<String>> fragments = new ArrayList<>();
        if (text == null) {
            return fragments;
        }
        List<String> fragment = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"' || c == '\\') {
                continue;
            }
            if (isPlainWordCharacter(c)) {
                word.append(c);
            } else {
                if (!word.isEmpty()) {
                    fragment.add(word.toString());
                    word.setLength(0);
                }
                if (c != ' ' && c != '\t' && !fragment.isEmpty()) {
                    fragments.add(fragment);
                    fragment = new ArrayList<>();
                }
            }
        }
        if (!word.isEmpty()) {
            fragment.add(word.toString());
        }
        if (!fragment.isEmpty()) {
            fragments.add(fragment);
        }
        return fragments;
    }

    static boolean isPlainWordCharacter(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "-_./:=,+@%^~".indexOf(c) >= 0;
    }

    /** Printable ASCII and tab: everything else makes a command complex, wherever it stands. */
    static boolean isAllowedCharacter(char c) {
        return (c >= 0x20 && c <= 0x7e) || c == '\t';
    }

    private static final class NotSimple extends RuntimeException {
        NotSimple(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final class Lexer {

        private final String text;
        private int pos;
        private final List<SimpleCommand> commands = new ArrayList<>();
        private final List<Connector> connectors = new ArrayList<>();
        private List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;

        Lexer(String text) {
            this.text = text;
        }

        ParsedCommand.Simple run() {
            while (pos < text.length()) {
                char c = character(pos);
                switch (c) {
                    case ' ', '\t' -> {
                        endWord();
                        pos++;
                    }
                    case '\'' -> singleQuoted();
                    case '"' -> doubleQuoted();
                    case '\\' -> escaped();
                    case ';' -> {
                        if (next() == ';') {
                            throw new NotSimple("`;;`");
                        }
                        connector(Connector.SEQUENCE, 1);
                    }
                    case '&' -> {
                        if (next() != '&') {
                            throw new NotSimple("`&` (a background command or a redirection)");
                        }
                        connector(Connector.AND, 2);
                    }
                    case '|' -> {
                        if (next() == '|') {
                            connector(Connector.OR, 2);
                        } else if (next() == '&') {
                            throw new NotSimple("`|&` (a redirection)");
                        } else {
                            connector(Connector.PIPE, 1);
                        }
                    }
                    case '<', '>' -> throw new NotSimple("a redirection (`<` or `>`)");
                    case '(', ')' -> throw new NotSimple("a subshell or grouping (`(`, `)`)");
                    case '$' -> throw new NotSimple("an expansion (`$`)");
                    case '`' -> throw new NotSimple("a command substitution (backticks)");
                    case '*', '?', '[', ']' ->
                        throw new NotSimple("file name patterns (`*`, `?`, `[`) that the shell expands");
                    case '{', '}' -> throw new NotSimple("braces (`{`, `}`)");
                    case '!' -> throw new NotSimple("`!`");
                    case '#' -> {
                        if (!inWord) {
                            throw new NotSimple("a comment (`#`)");
                        }
                        literal(c);
                    }
                    case '~' -> {
                        if (!inWord || !Character.isLetterOrDigit(text.charAt(pos - 1))) {
                            throw new NotSimple("a `~` that the shell expands to a home directory");
                        }
                        literal(c);
                    }
                    default -> literal(c);
                }
            }
            endWord();
            if (words.isEmpty()) {
                throw new NotSimple(commands.isEmpty() ? "an empty command" : "an operator at the end");
            }
            endCommand();
            return new ParsedCommand.Simple(commands, connectors);
        }

        /** The character at {@code index}, refusing anything but printable ASCII and tab. */
        private char character(int index) {
            char c = text.charAt(index);
            if (!isAllowedCharacter(c)) {
                throw new NotSimple(
                        c == '\n' || c == '\r'
                                ? "more than one line"
                                : String.format(
                                        "a character outside printable ASCII (U+%04X at position %d)", (int) c, index));
            }
            return c;
        }

        private char next() {
            return pos + 1 < text.length() ? character(pos + 1) : 0;
        }

        private void literal(char c) {
            word.append(c);
            inWord = true;
            pos++;
        }

        private void singleQuoted() {
            int close = text.indexOf('\'', pos + 1);
            if (close < 0) {
                throw new NotSimple("an unterminated quote");
            }
            for (int i = pos + 1; i < close; i++) {
                word.append(character(i));
            }
            inWord = true;
            pos = close + 1;
        }

        private void doubleQuoted() {
            inWord = true;
            pos++;
            while (true) {
                if (pos >= text.length()) {
                    throw new NotSimple("an unterminated quote");
                }
                char c = character(pos);
                switch (c) {
                    case '"' -> {
                        pos++;
                        return;
                    }
                    case '$' -> throw new NotSimple("an expansion (`$`) inside double quotes");
                    case '`' -> throw new NotSimple("a command substitution (backticks) inside double quotes");
                    case '\\' -> {
                        char n = next();
                        if (n == '"' || n == '\\' || n == '$' || n == '`') {
                            word.append(n);
                            pos += 2;
                        } else {
                            // Inside double quotes a backslash before anything else stays.
                            word.append('\\');
                            pos++;
                        }
                    }
                    default -> {
                        word.append(c);
                        pos++;
                    }
                }
            }
        }

        private void escaped() {
            if (pos + 1 >= text.length()) {
                throw new NotSimple("a backslash at the end");
            }
            word.append(character(pos + 1));
            inWord = true;
            pos += 2;
        }

        private void connector(Connector connector, int length) {
            endWord();
            if (words.isEmpty()) {
                throw new NotSimple("`" + connector.symbol() + "` without a command before it");
            }
            endCommand();
            connectors.add(connector);
            pos += length;
        }

        private void endWord() {
            if (inWord) {
                words.add(word.toString());
                word.setLength(0);
                inWord = false;
            }
        }

        private void endCommand() {
            String program = words.getFirst();
            if (program.indexOf('=') >= 0) {
                throw new NotSimple("a variable assignment (`NAME=value`) before the command");
            }
            if (RESERVED_WORDS.contains(program)) {
                throw new NotSimple("the shell keyword `" + program + "`");
            }
            String name = program.substring(program.lastIndexOf('/') + 1);
            if (name.isEmpty()) {
                throw new NotSimple("an empty program name");
            }
            if (COMMAND_RUNNERS.contains(name)) {
                throw new NotSimple("`" + name + "`, which runs its arguments as a command or changes the shell");
            }
            commands.add(new SimpleCommand(words));
            words = new ArrayList<>();
        }
    }
}
