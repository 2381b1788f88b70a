package dev.warden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks JSON against the schemas of an OpenAPI 3.1 document: the subset Warden's document uses ($ref, type,
 * enum, required, properties, items, oneOf with a discriminator, anyOf, allOf, format date-time, pattern, bounds). An
 * object may have only the properties its schema declares (unless {@code additionalProperties: true}), so a field the
 * server sends but the document does not name is a finding.
 */
public final class SchemaChecker {

    private final JsonNode document;

    public SchemaChecker(JsonNode document) {
        this.document = document;
    }

    /** The schema {@code components.schemas.name}. */
    public JsonNode schema(String name) {
        JsonNode schema = document.path("components").path("schemas").path(name);
        if (schema.isMissingNode()) {
            throw new IllegalArgumentException("No schema " + name);
        }
        return schema;
    }

    /** What is wrong with {@code value} as an instance of the named schema; empty when it fits. */
    public List<String> check(JsonNode value, String schemaName) {
        List<String> problems = new ArrayList<>();
        check(value, schema(schemaName), "$", problems);
        return problems;
    }

    /** The same against a schema given inline. */
    public List<String> check(JsonNode value, JsonNode schema, String path) {
        List<String> problems = new ArrayList<>();
        check(value, schema, path, problems);
        return problems;
    }

    /** Follows a {@code $ref} (within this document). */
    public JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("External reference " + ref);
            }
            JsonNode target = document;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part.replace("~1", "/").replace("~0", "~"));
            }
            if (target.isMissingNode()) {
                throw new IllegalArgumentException("Unresolved reference " + ref);
            }
            schema = target;
        }
        return schema;
    }

    private void check(JsonNode value, JsonNode schema, String path, List<String> problems) {
        schema = resolve(schema);
        if (schema.has("type") && !typeMatches(value, schema.get("type"))) {
            problems.add(path + ": " + describe(value) + " is not of type " + schema.get("type"));
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode allowed : schema.get("enum")) {
                found |= allowed.equals(value)
                        || (allowed.isNumber()
                                && value.isNumber()
                                && allowed.decimalValue().compareTo(value.decimalValue()) == 0);
            }
            if (!found) {
                problems.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (schema.has("allOf")) {
            for (JsonNode part : schema.get("allOf")) {
                check(value, part, path, problems);
            }
        }
        if (schema.has("anyOf")) {
            List<String> all = new ArrayList<>();
            boolean any = false;
            for (JsonNode option : schema.get("anyOf")) {
                List<String> found = new ArrayList<>();
                check(value, option, path, found);
                any |= found.isEmpty();
                all.addAll(found);
            }
            if (!any) {
                problems.add(path + ": fits none of anyOf: " + all);
            }
        }
        if (schema.has("oneOf")) {
            checkOneOf(value, schema, path, problems);
        }
        if (value.isTextual()) {
            checkString(value.textValue(), schema, path, problems);
        }
        if (value.isNumber()) {
            if (schema.has("minimum")
                    && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
                problems.add(path + ": " + value + " is below " + schema.get("minimum"));
            }
            if (schema.has("maximum")
                    && value.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
                problems.add(path + ": " + value + " is above " + schema.get("maximum"));
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.get("items"), path + "[" + i + "]", problems);
            }
        }
        if (value.isObject()) {
            checkObject(value, schema, path, problems);
        }
    }

    private void checkOneOf(JsonNode value, JsonNode schema, String path, List<String> problems) {
        JsonNode discriminator = schema.path("discriminator");
        if (discriminator.has("propertyName")) {
            String property = discriminator.get("propertyName").asText();
            String type = value.path(property).asText(null);
            JsonNode target = discriminator.path("mapping").path(type == null ? "" : type);
            if (type == null || target.isMissingNode()) {
                problems.add(
                        path + ": " + property + " " + value.path(property) + " is not in the discriminator's mapping");
                return;
            }
            check(value, refTo(target.asText()), path, problems);
            return;
        }
        int fits = 0;
        List<String> all = new ArrayList<>();
        for (JsonNode option : schema.get("oneOf")) {
            List<String> found = new ArrayList<>();
            check(value, option, path, found);
            if (found.isEmpty()) {
                fits++;
            }
            all.addAll(found);
        }
        if (fits != 1) {
            problems.add(path + ": fits " + fits + " of oneOf (exactly one wanted): " + all);
        }
    }

    private JsonNode refTo(String ref) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("$ref", ref);
    }

    private void checkObject(JsonNode value, JsonNode schema, String path, List<String> problems) {
        JsonNode properties = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                problems.add(path + ": required property '" + required.asText() + "' is missing");
            }
        }
        boolean open = schema.path("additionalProperties").asBoolean(false) || !schema.has("properties");
        for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (properties.has(name)) {
                check(value.get(name), properties.get(name), path + "." + name, problems);
            } else if (!open) {
                problems.add(path + ": property '" + name + "' is not in the schema");
            }
        }
    }

    private static void checkString(String text, JsonNode schema, String path, List<String> problems) {
        if (schema.has("pattern")
                && !Pattern.compile(schema.get("pattern").asText())
                        .matcher(text)
                        .find()) {
            problems.add(path + ": '" + text + "' does not match " + schema.get("pattern"));
        }
        if (schema.has("minLength")
                && text.codePointCount(0, text.length())
                        < schema.get("minLength").asInt()) {
            problems.add(path + ": '" + text + "' is shorter than " + schema.get("minLength"));
        }
        if (schema.has("maxLength")
                && text.codePointCount(0, text.length())
                        > schema.get("maxLength").asInt()) {
            problems.add(path + ": '" + text + "' is longer than " + schema.get("maxLength"));
        }
        if ("date-time".equals(schema.path("format").asText())) {
            try {
                OffsetDateTime.parse(text);
            } catch (DateTimeParseException e) {
                problems.add(path + ": '" + text + "' is not a date-time");
            }
        }
    }

    private static boolean typeMatches(JsonNode value, JsonNode type) {
        if (type.isArray()) {
            for (JsonNode one : type) {
                if (typeMatches(value, one)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            case "null" -> value.isNull();
            default -> throw new IllegalArgumentException("Unknown type " + type);
        };
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
