package dev.warden.firewall;

import java.util.ArrayList;
import java.util.List;

/**
 * The literal texts every match of a pattern must start with, so that a pattern is tried only where one of them
 * occurs instead of at every position (the prefilter of RE2-style engines, done by hand: RE2/J has none for
 * alternations). Understands the shapes the rules use: top-level alternatives, a leading {@code \b}, a leading group
 * of alternatives {@code (?:a|b c|d?e)}, literal text, escaped punctuation, and {@code ^}. Anything else gives
 * {@code null}: the pattern is then run over the whole text, which is slower but equally correct.
 */
final class Anchors {

    /**
     * One literal a match may start with. {@code wordStart}: the match starts at a word boundary ({@code \b} before a
     * word character); {@code textStart}: the match can only start at position 0 ({@code ^}).
     */
    record Anchor(String literal, boolean wordStart, boolean textStart) {}

    private Anchors() {}

    /** The anchors of {@code pattern}, or null when they cannot be determined. */
    static List<Anchor> of(String pattern) {
        List<Anchor> out = new ArrayList<>();
        for (String alternative : splitTopLevel(pattern, 0, pattern.length())) {
            boolean boundary = alternative.startsWith("\\b");
            List<String> prefixes = prefixes(alternative, boundary ? 2 : 0);
            if (prefixes == null) {
                return null;
            }
            for (String p : prefixes) {
                if (p.startsWith(TEXT_START)) {
                    out.add(new Anchor("", false, true));
                } else {
                    out.add(new Anchor(p, boundary && isWordChar(p.charAt(0)), false));
                }
            }
        }
        return out.isEmpty() ? null : List.copyOf(out);
    }

    private static final String TEXT_START = "\u0000";
    private static final int MAX_PREFIXES = 512;

    /**
     * The literal prefixes a match of {@code alt} (from {@code i}) must start with: literal text and groups of
     * alternatives are multiplied out, until the first element that is not literal. Null when some prefix is empty.
     */
    private static List<String> prefixes(String alt, int i) {
        List<String> current = new ArrayList<>(List.of(""));
        while (i < alt.length()) {
            if (alt.startsWith("(?:", i)) {
                int close = closingParen(alt, i);
                if (close < 0 || (close + 1 < alt.length() && isQuantifier(alt.charAt(close + 1)))) {
                    break;
                }
                List<String> next = new ArrayList<>();
                boolean allComplete = true;
                for (String inner : splitTopLevel(alt, i + 3, close)) {
                    String text;
                    if (inner.equals("^")) {
                        text = TEXT_START;
                    } else {
                        Literal lit = literal(inner, 0);
                        text = lit.text();
                        allComplete &= lit.end() == inner.length();
                    }
                    for (String p : current) {
                        next.add(p + text);
                    }
                }
                current = next;
                i = close + 1;
                if (!allComplete || current.size() > MAX_PREFIXES) {
                    break;
                }
            } else if (alt.startsWith("^", i)) {
                current.replaceAll(p -> p + TEXT_START);
                i++;
            } else {
                Literal lit = literal(alt, i);
                if (lit.text().isEmpty()) {
                    break;
                }
                String text = lit.text();
                current.replaceAll(p -> p + text);
                i = lit.end();
            }
        }
        for (String p : current) {
            if (p.isEmpty()) {
                return null;
            }
        }
        return current;
    }

    /** A run of literal characters ending (exclusive) at {@code end} of the input. */
    private record Literal(String text, int end) {}

    private static Literal literal(String s, int from) {
        StringBuilder sb = new StringBuilder();
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            int width;
            char literal;
            if (c == '\\') {
                if (i + 1 >= s.length()) {
                    break;
                }
                char e = s.charAt(i + 1);
                if (e == 'n') {
                    literal = '\n';
                } else if (!Character.isLetterOrDigit(e)) {
                    literal = e;
                } else {
                    break; // \s, \b, \d ...: not a literal
                }
                width = 2;
            } else if ("()[]{}.*+?|^$".indexOf(c) >= 0) {
                break;
            } else {
                literal = Character.toLowerCase(c);
                width = 1;
            }
            if (i + width < s.length() && isQuantifier(s.charAt(i + width))) {
                break; // this character is optional or repeated: the literal ends before it
            }
            sb.append(literal);
            i += width;
        }
        return new Literal(sb.toString(), i);
    }

    private static boolean isQuantifier(char c) {
        return c == '?' || c == '*' || c == '+' || c == '{';
    }

    static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static int closingParen(String s, int open) {
        int depth = 0;
        boolean inClass = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** {@code s[from, to)} split at the {@code |} that are not inside a group or a character class. */
    private static List<String> splitTopLevel(String s, int from, int to) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean inClass = false;
        int start = from;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start, to));
        return parts;
    }
}
