package dev.warden.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** YAML and dotenv reading for the deployment tests, and compose's {@code ${VAR}} substitution. */
final class Yaml {

    static final YAMLMapper MAPPER = new YAMLMapper();
    static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    private Yaml() {}

    static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a multi-document stream (as {@code kubectl kustomize} prints). */
    static List<JsonNode> readAll(String yaml) {
        try (MappingIterator<JsonNode> documents =
                MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            List<JsonNode> all = new ArrayList<>();
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    all.add(document);
                }
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A dotenv / EnvironmentFile: {@code NAME=value} lines, comments and blank lines skipped. */
    static Map<String, String> dotenv(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int equals = trimmed.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(file + ": not NAME=value: " + line);
                }
                values.put(
                        trimmed.substring(0, equals).strip(),
                        trimmed.substring(equals + 1).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    /** The names a compose file substitutes, with their operator ("" plain, ":-"/"-" default, ":?"/"?" required). */
    static Map<String, String> variables(String text) {
        Map<String, String> variables = new LinkedHashMap<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            variables.merge(m.group(1), m.group(2) == null ? "" : m.group(2), (a, b) -> a.contains("?") ? a : b);
        }
        return variables;
    }

    /** Compose's substitution of {@code ${VAR}}, {@code ${VAR:-default}} and {@code ${VAR:?message}}. */
    static String substitute(String text, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            String operator = m.group(2) == null ? "" : m.group(2);
            boolean unset = value == null || (operator.startsWith(":") && value.isEmpty());
            String replacement;
            if (!unset) {
                replacement = value;
            } else if (operator.endsWith("-")) {
                replacement = m.group(3);
            } else if (operator.endsWith("?")) {
                throw new IllegalArgumentException("required variable " + m.group(1) + ": " + m.group(3));
            } else {
                replacement = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
