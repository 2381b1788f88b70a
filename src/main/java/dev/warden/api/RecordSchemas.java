package dev.warden.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * OpenAPI schemas of records, read the way Jackson writes them: one property per record component, required when
 * Jackson always writes it (a primitive, or no {@code @JsonInclude(NON_NULL)} on the record or the component) unless
 * the record's {@code @Schema(requiredProperties)} says otherwise; {@code @Schema} on a component adds its description,
 * enumeration, format, bounds, default and {@code nullable}. Types it does not know are refused, so a new field cannot
 * slip into the document untyped.
 */
final class RecordSchemas {

    private final Components components;
    private final java.util.Set<String> defined = new java.util.LinkedHashSet<>();

    RecordSchemas(Components components) {
        this.components = components;
    }

    /** Puts the record's schema into the components (replacing one of that name) and returns a reference to it. */
    Schema define(Class<?> record) {
        String name = name(record);
        components.addSchema(name, object(record));
        defined.add(name);
        return ref(name);
    }

    /** The names of the schemas this has put into the components. */
    java.util.Set<String> defined() {
        return java.util.Collections.unmodifiableSet(defined);
    }

    static Schema ref(String name) {
        return OASFactory.createSchema().ref(name);
    }

    static String name(Class<?> record) {
        var annotation = record.getAnnotation(org.eclipse.microprofile.openapi.annotations.media.Schema.class);
        return annotation != null && !annotation.name().isEmpty() ? annotation.name() : record.getSimpleName();
    }

    /** The record as an object schema (not registered). */
    Schema object(Class<?> record) {
        requireRecord(record);
        Schema schema = OASFactory.createSchema().addType(SchemaType.OBJECT);
        var annotation = record.getAnnotation(org.eclipse.microprofile.openapi.annotations.media.Schema.class);
        if (annotation != null && !annotation.description().isEmpty()) {
            schema.description(annotation.description());
        }
        schema.properties(properties(record));
        List<String> required = required(record);
        if (!required.isEmpty()) {
            schema.required(required);
        }
        return schema;
    }

    /** The record's properties in declaration order. */
    Map<String, Schema> properties(Class<?> record) {
        requireRecord(record);
        Map<String, Schema> properties = new LinkedHashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            Field field = field(record, component);
            if (field.isAnnotationPresent(JsonIgnore.class)) {
                continue;
            }
            properties.put(propertyName(field), property(component.getGenericType(), field));
        }
        return properties;
    }

    /** The properties the record always has on the wire (or those its {@code @Schema} names). */
    List<String> required(Class<?> record) {
        requireRecord(record);
        var annotation = record.getAnnotation(org.eclipse.microprofile.openapi.annotations.media.Schema.class);
        List<String> names = new ArrayList<>();
        for (RecordComponent component : record.getRecordComponents()) {
            Field field = field(record, component);
            if (!field.isAnnotationPresent(JsonIgnore.class)) {
                names.add(propertyName(field));
            }
        }
        if (annotation != null && annotation.requiredProperties().length > 0) {
            List<String> declared = Arrays.asList(annotation.requiredProperties());
            if (!names.containsAll(declared)) {
                throw new IllegalStateException(
                        record.getName() + " requires properties it does not have: " + declared);
            }
            return declared;
        }
        boolean recordOmitsNulls = omitsNulls(record.getAnnotation(JsonInclude.class));
        List<String> required = new ArrayList<>();
        for (RecordComponent component : record.getRecordComponents()) {
            Field field = field(record, component);
            if (field.isAnnotationPresent(JsonIgnore.class)) {
                continue;
            }
            JsonInclude own = field.getAnnotation(JsonInclude.class);
            boolean omitsNulls = own != null ? omitsNulls(own) : recordOmitsNulls;
            if (component.getType().isPrimitive() || !omitsNulls) {
                required.add(propertyName(field));
            }
        }
        return required;
    }

    private Schema property(Type type, Field field) {
        Schema schema = schemaOf(type);
        var annotation = field.getAnnotation(org.eclipse.microprofile.openapi.annotations.media.Schema.class);
        if (annotation == null) {
            return schema;
        }
        if (schema.getRef() != null) {
            // A reference takes no siblings in every tool; wrap it to describe or null it.
            Schema wrapped = OASFactory.createSchema();
            wrapped.addAllOf(schema);
            if (annotation.nullable()) {
                wrapped = OASFactory.createSchema()
                        .addAnyOf(schema)
                        .addAnyOf(OASFactory.createSchema().addType(SchemaType.NULL));
            }
            schema = wrapped;
        } else if (annotation.nullable() && schema.getType() != null) {
            schema.addType(SchemaType.NULL);
        }
        if (!annotation.description().isEmpty()) {
            schema.description(annotation.description());
        }
        if (annotation.enumeration().length > 0) {
            List<Object> values = new ArrayList<>(Arrays.asList(annotation.enumeration()));
            if (annotation.nullable()) {
                values.add(null);
            }
            schema.enumeration(values);
        }
        if (!annotation.format().isEmpty()) {
            schema.format(annotation.format());
        }
        if (!annotation.pattern().isEmpty()) {
            schema.pattern(annotation.pattern());
        }
        if (!annotation.minimum().isEmpty()) {
            schema.minimum(new BigDecimal(annotation.minimum()));
        }
        if (!annotation.maximum().isEmpty()) {
            schema.maximum(new BigDecimal(annotation.maximum()));
        }
        if (annotation.minLength() > 0) {
            schema.minLength(annotation.minLength());
        }
        if (annotation.maxLength() >= 0 && annotation.maxLength() != Integer.MAX_VALUE) {
            schema.maxLength(annotation.maxLength());
        }
        if (!annotation.defaultValue().isEmpty()) {
            schema.defaultValue(annotation.defaultValue());
        }
        return schema;
    }

    private Schema schemaOf(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class) {
            return OASFactory.createSchema()
                    .addType(SchemaType.ARRAY)
                    .items(schemaOf(parameterized.getActualTypeArguments()[0]));
        }
        if (!(type instanceof Class<?> type1)) {
            throw new IllegalArgumentException("No schema for " + type);
        }
        if (type1 == String.class) {
            return OASFactory.createSchema().addType(SchemaType.STRING);
        }
        if (type1 == boolean.class || type1 == Boolean.class) {
            return OASFactory.createSchema().addType(SchemaType.BOOLEAN);
        }
        if (type1 == int.class || type1 == Integer.class) {
            return OASFactory.createSchema().addType(SchemaType.INTEGER).format("int32");
        }
        if (type1 == long.class || type1 == Long.class) {
            return OASFactory.createSchema().addType(SchemaType.INTEGER).format("int64");
        }
        if (type1 == double.class || type1 == Double.class) {
            return OASFactory.createSchema().addType(SchemaType.NUMBER).format("double");
        }
        if (type1 == Instant.class) {
            return OASFactory.createSchema().addType(SchemaType.STRING).format("date-time");
        }
        if (JsonNode.class.isAssignableFrom(type1)) {
            // Any JSON value.
            return OASFactory.createSchema();
        }
        if (type1.isRecord()) {
            return define(type1);
        }
        throw new IllegalArgumentException(
                "No schema for " + type1.getName() + "; teach " + getClass().getName());
    }

    private static Field field(Class<?> record, RecordComponent component) {
        try {
            return record.getDeclaredField(component.getName());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String propertyName(Field field) {
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : field.getName();
    }

    private static boolean omitsNulls(JsonInclude include) {
        return include != null
                && include.value() != JsonInclude.Include.ALWAYS
                && include.value() != JsonInclude.Include.USE_DEFAULTS;
    }

    private static void requireRecord(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
    }
}
