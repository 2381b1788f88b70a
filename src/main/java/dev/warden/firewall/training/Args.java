package dev.warden.firewall.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} options and positional arguments of the command-line tools. */
record Args(List<String> positional, Map<String, String> options) {

    static Args parse(String[] args) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String name = args[i].substring(2);
                if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    options.put(name, args[++i]);
                } else {
                    options.put(name, "true");
                }
            } else {
                positional.add(args[i]);
            }
        }
        return new Args(positional, options);
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    /**
     * Which firewall source a labelled example is scanned as: {@code TOOL} when its {@code source} field matches
     * {@code --tool-sources REGEX} (documents such as BIPIA's emails and tables), else {@code --source} (USER).
     */
    java.util.function.Function<Dataset.Example, dev.warden.firewall.Source> sourceOf() {
        dev.warden.firewall.Source fallback = dev.warden.firewall.Source.valueOf(get("source", "USER"));
        String regex = options.get("tool-sources");
        if (regex == null) {
            return e -> fallback;
        }
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        return e -> p.matcher(e.source()).find() ? dev.warden.firewall.Source.TOOL : fallback;
    }
}
