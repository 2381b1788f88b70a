package dev.warden.tools.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A pattern over the words of one {@link SimpleCommand}, as an operator writes it in a policy rule:
 *
 * <ul>
 *   <li>{@code git status} matches exactly {@code git status}, nothing more;
 *   <li>{@code git log *} matches {@code git log} followed by any number of further arguments (also none);
 *   <li>{@code git show ?} matches {@code git show} followed by exactly one argument.
 * </ul>
 *
 * <p>Words are separated by spaces; a word may be quoted ({@code 'a b'}, {@code "a b"}) to contain spaces or to be a
 * literal {@code *} or {@code ?}. The first word is always literal, {@code *} may only be the last word, and
 * {@code *}/{@code ?} never stand inside a word: these are not file name globs. Matching compares words exactly, so
 * {@code git status} does not match {@code /usr/bin/git status} nor {@code ./git status}.
 */
public final class CommandPattern {

    /** One word of a pattern. */
    public sealed interface Token {
        /** This exact word. */
        record Literal(String word) implements Token {
            public Literal {
                Objects.requireNonNull(word);
            }
        }

        /** Any one word ({@code ?}). */
        record AnyOne() implements Token {}
    }

    private final List<Token> tokens;
    private final boolean anyRest;

    private CommandPattern(List<Token> tokens, boolean anyRest) {
        if (tokens.isEmpty()
                || !(tokens.getFirst() instanceof Token.Literal first)
                || first.word().isEmpty()) {
            throw new IllegalArgumentException("A command pattern starts with a program name");
        }
        this.tokens = List.copyOf(tokens);
        this.anyRest = anyRest;
    }

    /**
     * Parses pattern text such as {@code git log *}.
     *
     * @throws IllegalArgumentException with a message for the operator when the text is not a valid pattern
     */
    public static CommandPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("A command pattern cannot be empty");
        }
        List<Token> tokens = new ArrayList<>();
        boolean anyRest = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (anyRest) {
                throw new IllegalArgumentException("In command pattern '" + text + "', `*` must be the last word");
            }
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            while (i < n && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                char d = text.charAt(i);
                if (!ShellParser.isAllowedCharacter(d)) {
                    throw new IllegalArgumentException(
                            "Command pattern '" + text + "' may only contain printable ASCII characters");
                }
                if (d == '\'' || d == '"') {
                    int close = text.indexOf(d, i + 1);
                    if (close < 0) {
                        throw new IllegalArgumentException("Unterminated quote in command pattern '" + text + "'");
                    }
                    word.append(text, i + 1, close);
                    quoted = true;
                    i = close + 1;
                } else {
                    word.append(d);
                    i++;
                }
            }
            String value = word.toString();
            if (!quoted && value.equals("*")) {
                anyRest = true;
            } else if (!quoted && value.equals("?")) {
                tokens.add(new Token.AnyOne());
            } else if (!quoted && (value.contains("*") || value.contains("?"))) {
                throw new IllegalArgumentException("In command pattern '" + text
                        + "', `*` and `?` stand alone as whole words (quote them to mean the character)");
            } else {
                tokens.add(new Token.Literal(value));
            }
        }
        return new CommandPattern(tokens, anyRest);
    }

    /** The pattern matching exactly these words and nothing else. */
    public static CommandPattern exact(List<String> argv) {
        return new CommandPattern(argv.stream().<Token>map(Token.Literal::new).toList(), false);
    }

    /** The pattern matching these words followed by any further arguments. */
    public static CommandPattern prefix(List<String> words) {
        return new CommandPattern(words.stream().<Token>map(Token.Literal::new).toList(), true);
    }

    public List<Token> tokens() {
        return tokens;
    }

    /** Whether any further arguments may follow the tokens (a trailing {@code *}). */
    public boolean anyRest() {
        return anyRest;
    }

    /** The program this pattern is about: its first word. */
    public String program() {
        return ((Token.Literal) tokens.getFirst()).word();
    }

    /** Whether the command's words match exactly, program included. This is how allow rules match. */
    public boolean matches(SimpleCommand command) {
        return matches(command.argv());
    }

    /** Whether {@code argv} matches exactly, program included. */
    public boolean matches(List<String> argv) {
        if (argv.size() < tokens.size() || (!anyRest && argv.size() != tokens.size())) {
            return false;
        }
        return matchesAt(argv, 0, false);
    }

    /**
     * Whether the command matches with programs compared by name only ({@code /bin/rm} is {@code rm}). This is how deny
     * and ask rules match: a directory in front of the program must not get around them.
     */
    public boolean matchesByProgramName(SimpleCommand command) {
        List<String> argv = command.argv();
        if (argv.size() < tokens.size() || (!anyRest && argv.size() != tokens.size())) {
            return false;
        }
        return matchesAt(argv, 0, true);
    }

    /**
     * Whether the tokens appear anywhere in {@code words}, with programs compared by name and whatever follows them
     * ignored. Over-approximates on purpose: used to find denied commands inside a complex command's rough words.
     */
    public boolean occursIn(List<String> words) {
        for (int start = 0; start + tokens.size() <= words.size(); start++) {
            if (matchesAt(words, start, true)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesAt(List<String> words, int start, boolean programByName) {
        for (int i = 0; i < tokens.size(); i++) {
            String word = words.get(start + i);
            if (tokens.get(i) instanceof Token.Literal(String literal)) {
                boolean equal = i == 0 && programByName ? name(literal).equals(name(word)) : literal.equals(word);
                if (!equal) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String name(String program) {
        return program.substring(program.lastIndexOf('/') + 1);
    }

    /** The pattern as text that {@link #parse} reads back to an equal pattern. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Token token : tokens) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            switch (token) {
                case Token.AnyOne any -> text.append('?');
                case Token.Literal(String word) -> text.append(quoteIfNeeded(word));
            }
        }
        if (anyRest) {
            text.append(" *");
        }
        return text.toString();
    }

    private static String quoteIfNeeded(String word) {
        boolean plain = !word.isEmpty()
                && word.indexOf('~') < 0
                && word.chars().allMatch(c -> ShellParser.isPlainWordCharacter((char) c));
        if (plain) {
            return word;
        }
        // Single quotes keep everything literal; a single quote itself is closed, double-quoted, reopened.
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CommandPattern that && anyRest == that.anyRest && tokens.equals(that.tokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokens, anyRest);
    }
}
