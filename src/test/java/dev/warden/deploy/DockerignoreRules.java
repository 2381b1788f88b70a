package dev.warden.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code .dockerignore} semantics of Docker's pattern matcher: patterns are cleaned paths with {@code *}, {@code ?}
 * and {@code **}; a pattern that matches a path or one of its parent folders decides, the last deciding pattern wins,
 * and {@code !} re-includes.
 */
final class DockerignoreRules {

    private record Rule(Pattern pattern, boolean include) {}

    private final List<Rule> rules;

    private DockerignoreRules(List<Rule> rules) {
        this.rules = rules;
    }

    static DockerignoreRules read(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean include = line.startsWith("!");
            String glob = include ? line.substring(1).strip() : line;
            glob = glob.replaceAll("^/+", "").replaceAll("/+$", "");
            rules.add(new Rule(Pattern.compile(toRegex(glob)), include));
        }
        return new DockerignoreRules(rules);
    }

    /** Whether {@code path} (relative to the context, with {@code /}) is sent to the builder. */
    boolean sends(String path) {
        boolean excluded = false;
        for (Rule rule : rules) {
            if (matchesSelfOrParent(rule.pattern(), path)) {
                excluded = !rule.include();
            }
        }
        return !excluded;
    }

    private static boolean matchesSelfOrParent(Pattern pattern, String path) {
        String candidate = path;
        while (true) {
            if (pattern.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                i++;
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    i++;
                    regex.append("(?:.*/)?");
                } else {
                    regex.append(".*");
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
