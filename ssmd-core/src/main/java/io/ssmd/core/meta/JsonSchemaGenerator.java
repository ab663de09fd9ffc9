package io.ssmd.core.meta;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A JSON Schema (draft 2020-12) generated from a record's components, never written by hand, so that a change to a
 * record changes its schema and its hash. Types map as ssmd's writers write them: {@code BigDecimal} as a string of
 * plain digits (as {@code MarketEventJson} writes prices and sizes), {@code Instant} as an RFC 3339 string, enums as
 * their lowercase names, {@code Optional} as a property that may be absent, lists as arrays, {@code Map<String, X>}
 * as an object, {@code JsonNode} as any JSON value, nested records as nested objects. Keys are sorted, so one record
 * always gives the same text.
 */
public final class JsonSchemaGenerator {

    /** Plain decimal digits: what {@link BigDecimal#toPlainString()} writes. */
    public static final String DECIMAL_PATTERN = "^-?[0-9]+(\\.[0-9]+)?$";

    private static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

    private JsonSchemaGenerator() {}

    /** The schema of {@code type}'s JSON, titled {@code title}. */
    public static Map<String, Object> generate(
            String title, Class<? extends Record> type, JsonConventions conventions) {
        Map<String, Object> schema = object(type, conventions);
        schema.put("$schema", DRAFT);
        schema.put("title", title);
        return schema;
    }

    /** The schema as canonical JSON text (sorted keys, no whitespace): what is stored and hashed. */
    public static String canonical(Map<String, Object> schema) {
        return MetaJson.write(schema);
    }

    private static Map<String, Object> object(Class<?> type, JsonConventions conventions) {
        Map<String, Object> properties = new TreeMap<>();
        List<String> required = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String name = component.getName();
            String property = conventions.propertyOf(name);
            Type generic = component.getGenericType();
            boolean optional = isOptional(generic);
            Map<String, Object> schema = schemaOf(type, name, optional ? inner(generic) : generic, conventions);
            if (optional && conventions.isNullable(name)) {
                schema = new TreeMap<>(Map.of("anyOf", List.of(schema, Map.of("type", "null"))));
                optional = false;
            }
            properties.put(property, schema);
            if (!optional && !conventions.isOmittedWhenDefault(name)) {
                required.add(property);
            }
        }
        conventions.extra().forEach((property, schema) -> {
            properties.put(property, schema);
            if (conventions.extraRequired(property)) {
                required.add(property);
            }
        });
        Map<String, Object> schema = new TreeMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required.stream().sorted().toList());
        return schema;
    }

    private static Map<String, Object> schemaOf(
            Class<?> owner, String component, Type type, JsonConventions conventions) {
        Map<String, Object> schema = new TreeMap<>();
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                schema.put("type", "array");
                schema.put("items", schemaOf(owner, component, args[0], conventions));
                return schema;
            }
            if (Map.class.isAssignableFrom(raw) && args[0] == String.class) {
                schema.put("type", "object");
                schema.put("additionalProperties", schemaOf(owner, component, args[1], conventions));
                return schema;
            }
            throw unsupported(owner, component, type);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            schema.put("type", "string");
        } else if (c == long.class || c == Long.class || c == int.class || c == Integer.class || c == short.class) {
            schema.put("type", "integer");
        } else if (c == OptionalLong.class || c == OptionalInt.class) {
            schema.put("type", "integer");
        } else if (c == double.class || c == Double.class || c == float.class || c == OptionalDouble.class) {
            schema.put("type", "number");
        } else if (c == boolean.class || c == Boolean.class) {
            schema.put("type", "boolean");
        } else if (c == BigDecimal.class) {
            schema.put("type", "string");
            schema.put("pattern", DECIMAL_PATTERN);
        } else if (c == Instant.class) {
            schema.put("type", "string");
            schema.put("format", "date-time");
        } else if (c.isEnum()) {
            schema.put("type", "string");
            schema.put(
                    "enum",
                    Arrays.stream(c.getEnumConstants())
                            .map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT))
                            .toList());
        } else if (JsonNode.class.isAssignableFrom(c)) {
            schema.put("description", "any JSON value");
        } else if (c.isRecord() && conventions.isTuple(c)) {
            List<Object> items = new ArrayList<>();
            for (RecordComponent rc : c.getRecordComponents()) {
                items.add(schemaOf(c, rc.getName(), rc.getGenericType(), conventions));
            }
            schema.put("type", "array");
            schema.put("prefixItems", items);
            schema.put("minItems", items.size());
            schema.put("maxItems", items.size());
        } else if (c.isRecord()) {
            schema.putAll(object(c, JsonConventions.none()));
        } else {
            throw unsupported(owner, component, type);
        }
        return schema;
    }

    private static boolean isOptional(Type type) {
        return type == OptionalLong.class
                || type == OptionalInt.class
                || type == OptionalDouble.class
                || (type instanceof ParameterizedType p && p.getRawType() == Optional.class);
    }

    private static Type inner(Type optional) {
        return optional instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : optional;
    }

    private static IllegalArgumentException unsupported(Class<?> owner, String component, Type type) {
        return new IllegalArgumentException("no JSON Schema mapping for " + owner.getSimpleName() + "." + component
                + " of type " + type.getTypeName() + "; add one to JsonSchemaGenerator");
    }
}
