package io.ssmd.core.meta;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a writer puts a record into JSON where that differs from the record's components: the one place a schema's
 * generator is told what the serializer does (a component written under another name, a constant field the record
 * has no component for, a field left out when it has its default, a small record written as an array). Immutable;
 * each method returns a copy.
 */
public final class JsonConventions {

    private final Map<String, String> renames;
    private final Map<String, Map<String, Object>> extra;
    private final Set<String> requiredExtra;
    private final Set<String> omittedWhenDefault;
    private final Set<String> nullable;
    private final Set<Class<?>> tuples;

    private JsonConventions(
            Map<String, String> renames,
            Map<String, Map<String, Object>> extra,
            Set<String> requiredExtra,
            Set<String> omittedWhenDefault,
            Set<String> nullable,
            Set<Class<?>> tuples) {
        this.renames = renames;
        this.extra = extra;
        this.requiredExtra = requiredExtra;
        this.omittedWhenDefault = omittedWhenDefault;
        this.nullable = nullable;
        this.tuples = tuples;
    }

    /** Components written as they are named, nothing added. */
    public static JsonConventions none() {
        return new JsonConventions(
                new TreeMap<>(), new TreeMap<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), Set.of());
    }

    /** The component is written under {@code property}. */
    public JsonConventions rename(String component, String property) {
        JsonConventions c = copy();
        c.renames.put(component, property);
        return c;
    }

    /** The writer always adds {@code property} with this constant string value. */
    public JsonConventions constant(String property, String value) {
        return extra(property, Map.of("type", "string", "const", value), true);
    }

    /** The writer adds {@code property} (a JSON Schema), always when {@code required}, else sometimes. */
    public JsonConventions extra(String property, Map<String, Object> schema, boolean required) {
        JsonConventions c = copy();
        c.extra.put(property, new TreeMap<>(schema));
        if (required) {
            c.requiredExtra.add(property);
        }
        return c;
    }

    /** The component is left out when it has its default (false, empty), so it is not required. */
    public JsonConventions omittedWhenDefault(String component) {
        JsonConventions c = copy();
        c.omittedWhenDefault.add(component);
        return c;
    }

    /** The component (an {@code Optional}) is always written, as {@code null} when empty. */
    public JsonConventions nullable(String component) {
        JsonConventions c = copy();
        c.nullable.add(component);
        return c;
    }

    /** Records of this type are written as an array of their components, in order. */
    public JsonConventions tuple(Class<? extends Record> type) {
        JsonConventions c = copy();
        Set<Class<?>> more = new java.util.HashSet<>(tuples);
        more.add(type);
        return new JsonConventions(
                c.renames, c.extra, c.requiredExtra, c.omittedWhenDefault, c.nullable, Set.copyOf(more));
    }

    String propertyOf(String component) {
        return renames.getOrDefault(component, component);
    }

    Map<String, Map<String, Object>> extra() {
        return extra;
    }

    boolean extraRequired(String property) {
        return requiredExtra.contains(property);
    }

    boolean isOmittedWhenDefault(String component) {
        return omittedWhenDefault.contains(component);
    }

    boolean isNullable(String component) {
        return nullable.contains(component);
    }

    boolean isTuple(Class<?> type) {
        return tuples.contains(type);
    }

    private JsonConventions copy() {
        return new JsonConventions(
                new TreeMap<>(renames),
                new TreeMap<>(extra),
                new TreeSet<>(requiredExtra),
                new TreeSet<>(omittedWhenDefault),
                new TreeSet<>(nullable),
                tuples);
    }
}
