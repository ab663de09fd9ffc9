package io.ssmd.core.meta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Whether data written with a newer schema version can be read by a reader of an older one, property by property:
 * a property added as optional is compatible; a property removed, retyped (type, format, pattern, enum, items), turned
 * from required to optional, or added as required is breaking.
 */
public final class SchemaCompatibility {

    private SchemaCompatibility() {}

    /**
     * @param breaking what a reader of the older version would trip on, one line each
     * @param additions what the newer version adds without breaking anything
     */
    public record Result(boolean compatible, List<String> breaking, List<String> additions) {}

    /** Compares two generated schemas (as parsed JSON maps). */
    public static Result compare(Map<String, Object> from, Map<String, Object> to) {
        List<String> breaking = new ArrayList<>();
        List<String> additions = new ArrayList<>();
        compare("", from, to, breaking, additions);
        return new Result(breaking.isEmpty(), List.copyOf(breaking), List.copyOf(additions));
    }

    @SuppressWarnings("unchecked")
    private static void compare(
            String path, Map<String, Object> from, Map<String, Object> to, List<String> breaking, List<String> added) {
        for (String key : List.of("type", "format", "pattern", "enum", "const")) {
            if (!Objects.equals(from.get(key), to.get(key))) {
                breaking.add(where(path) + key + " changed from " + from.get(key) + " to " + to.get(key));
            }
        }
        if (from.get("prefixItems") instanceof List<?> a && to.get("prefixItems") instanceof List<?> b) {
            if (a.size() != b.size()) {
                breaking.add(where(path) + "tuple of " + a.size() + " became a tuple of " + b.size());
            } else {
                for (int i = 0; i < a.size(); i++) {
                    compare(
                            path + "[" + i + "]",
                            (Map<String, Object>) a.get(i),
                            (Map<String, Object>) b.get(i),
                            breaking,
                            added);
                }
            }
        } else if (!Objects.equals(from.get("prefixItems"), to.get("prefixItems"))) {
            breaking.add(where(path) + "tuple items changed");
        }
        for (String nested : List.of("items", "additionalProperties")) {
            if (from.get(nested) instanceof Map<?, ?> a && to.get(nested) instanceof Map<?, ?> b) {
                compare(path + "." + nested, (Map<String, Object>) a, (Map<String, Object>) b, breaking, added);
            }
        }
        if (from.get("anyOf") != null || to.get("anyOf") != null) {
            if (!Objects.equals(from.get("anyOf"), to.get("anyOf"))) {
                breaking.add(where(path) + "anyOf changed");
            }
        }
        Map<String, Object> fromProps = (Map<String, Object>) from.getOrDefault("properties", Map.of());
        Map<String, Object> toProps = (Map<String, Object>) to.getOrDefault("properties", Map.of());
        List<String> fromRequired = (List<String>) from.getOrDefault("required", List.of());
        List<String> toRequired = (List<String>) to.getOrDefault("required", List.of());
        TreeSet<String> names = new TreeSet<>(fromProps.keySet());
        names.addAll(toProps.keySet());
        for (String name : names) {
            String p = path.isEmpty() ? name : path + "." + name;
            if (!toProps.containsKey(name)) {
                breaking.add("'" + p + "' removed");
            } else if (!fromProps.containsKey(name)) {
                if (toRequired.contains(name)) {
                    breaking.add("'" + p + "' added as required (data of the older version lacks it)");
                } else {
                    added.add("'" + p + "' added as optional");
                }
            } else {
                if (fromRequired.contains(name) && !toRequired.contains(name)) {
                    breaking.add("'" + p + "' became optional (readers of the older version expect it)");
                } else if (!fromRequired.contains(name) && toRequired.contains(name)) {
                    added.add("'" + p + "' became required");
                }
                compare(
                        p,
                        (Map<String, Object>) fromProps.get(name),
                        (Map<String, Object>) toProps.get(name),
                        breaking,
                        added);
            }
        }
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : "'" + path + "' ";
    }
}
