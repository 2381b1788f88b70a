package dev.warden.tools.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A glob over workspace-relative paths, segment by segment: {@code *} is any run of characters within one segment (dot
 * files included), {@code ?} one character, and a whole segment {@code **} any number of segments, also none. So
 * {@code secrets/**} matches {@code secrets} itself and everything below it, {@code notes/*.md} the Markdown files
 * directly in {@code notes}, and {@code **}{@code /*.env} every {@code .env} file anywhere. Case-sensitive; no
 * brackets or braces.
 */
public final class PathGlob {

    private final String text;
    private final List<String> segments;

    private PathGlob(String text, List<String> segments) {
        this.text = text;
        this.segments = segments;
    }

    /**
     * @throws IllegalArgumentException with a message for the operator when the glob is empty, absolute or has a
     *     {@code ..} segment
     */
    public static PathGlob parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("A path glob cannot be empty");
        }
        if (text.startsWith("/")) {
            throw new IllegalArgumentException(
                    "Path glob '" + text + "' must be relative to the workspace (no leading /)");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : text.split("/", -1)) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException("Path glob '" + text + "' must not contain '..'");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("Path glob '" + text + "' names no path");
        }
        return new PathGlob(text, List.copyOf(segments));
    }

    /**
     * The segments of a workspace-relative path with {@code .} and empty segments dropped; empty for the workspace
     * itself; nothing when the path is absolute or has a {@code ..} segment.
     */
    public static Optional<List<String>> segments(String relativePath) {
        if (relativePath == null || relativePath.startsWith("/") || relativePath.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        List<String> segments = new ArrayList<>();
        for (String segment : relativePath.split("/", -1)) {
            if (segment.equals("..")) {
                return Optional.empty();
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return Optional.of(segments);
    }

    /** Whether the normalised path (see {@link #segments}) matches; an invalid path matches nothing. */
    public boolean matches(String relativePath) {
        return segments(relativePath).map(this::matches).orElse(false);
    }

    public boolean matches(List<String> path) {
        // Greedy matching with backtracking to the last ** (linear-ish, never exponential).
        int g = 0;
        int p = 0;
        int star = -1;
        int mark = 0;
        while (p < path.size()) {
            if (g < segments.size() && !segments.get(g).equals("**") && matchSegment(segments.get(g), path.get(p))) {
                g++;
                p++;
            } else if (g < segments.size() && segments.get(g).equals("**")) {
                star = g++;
                mark = p;
            } else if (star >= 0) {
                g = star + 1;
                p = ++mark;
            } else {
                return false;
            }
        }
        while (g < segments.size() && segments.get(g).equals("**")) {
            g++;
        }
        return g == segments.size();
    }

    /** The same greedy algorithm within one segment, for {@code *} and {@code ?}. */
    static boolean matchSegment(String glob, String name) {
        int g = 0;
        int n = 0;
        int star = -1;
        int mark = 0;
        while (n < name.length()) {
            if (g < glob.length()
                    && glob.charAt(g) != '*'
                    && (glob.charAt(g) == '?' || glob.charAt(g) == name.charAt(n))) {
                g++;
                n++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                mark = n;
            } else if (star >= 0) {
                g = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PathGlob that && segments.equals(that.segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }
}
