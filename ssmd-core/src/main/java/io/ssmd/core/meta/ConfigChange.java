package io.ssmd.core.meta;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One difference between two versions of a configuration, at a key path: a value added, removed or changed. Lists are
 * compared element by element when their lengths agree, and as one value otherwise (an instrument list that grew shows
 * as the whole list before and after).
 *
 * @param path   the key path, e.g. {@code streams.defaults.max-age} or {@code archivers[0].streams}
 * @param before the old value as flow YAML/JSON text, empty when added
 * @param after  the new value, empty when removed
 */
public record ConfigChange(String path, Optional<String> before, Optional<String> after) {

    /** {@code ~ path: old -> new}, {@code + path: new} or {@code - path: old}. */
    @Override
    public String toString() {
        if (before.isEmpty()) {
            return "+ " + path + ": " + after.orElseThrow();
        }
        if (after.isEmpty()) {
            return "- " + path + ": " + before.orElseThrow();
        }
        return "~ " + path + ": " + before.get() + " -> " + after.get();
    }

    /** Every difference from {@code from} to {@code to}, in key order. */
    public static List<ConfigChange> between(CanonicalConfig from, CanonicalConfig to) {
        List<ConfigChange> changes = new ArrayList<>();
        compare("", from.tree(), to.tree(), changes);
        return changes;
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<ConfigChange> out) {
        if (a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String at = path.isEmpty() ? key : path + "." + key;
                JsonNode x = a.get(key);
                JsonNode y = b.get(key);
                if (x == null) {
                    out.add(new ConfigChange(at, Optional.empty(), Optional.of(text(y))));
                } else if (y == null) {
                    out.add(new ConfigChange(at, Optional.of(text(x)), Optional.empty()));
                } else {
                    compare(at, x, y, out);
                }
            }
            return;
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            Iterator<JsonNode> xs = a.elements();
            Iterator<JsonNode> ys = b.elements();
            for (int i = 0; xs.hasNext(); i++) {
                compare(path + "[" + i + "]", xs.next(), ys.next(), out);
            }
            return;
        }
        out.add(new ConfigChange(path, Optional.of(text(a)), Optional.of(text(b))));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : node.toString();
    }
}
