package io.ssmd.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A node of a parsed YAML file that knows its file and key path, so every problem it reports says where it is.
 *
 * <p>Readers never stop at a problem: a getter that meets a wrong value records an error and returns empty, and
 * the caller carries on with a fallback so that later problems are found in the same run. The result is only
 * used when the run found no errors.
 */
final class ConfigNode {

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Path file;
    private final String path;
    private final JsonNode node;
    private final Findings findings;

    ConfigNode(Path file, String path, JsonNode node, Findings findings) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.findings = findings;
    }

    Path file() {
        return file;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Records a problem with this node. */
    void error(String message) {
        findings.error(new ConfigError(file, path, message));
    }

    /** Records a problem with one key of this node. */
    void error(String key, String message) {
        findings.error(new ConfigError(file, pathOf(key), message));
    }

    boolean has(String key) {
        return node.isObject() && node.has(key);
    }

    /** Whether this node is a mapping whose keys are all known; reports each unknown key with a suggestion. */
    boolean allowOnly(List<String> known) {
        if (!node.isObject()) {
            error("expected a mapping with keys " + String.join(", ", known) + ", got " + describe(node));
            return false;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String suggestion = ClosestKey.to(name, known)
                        .map(k -> " (did you mean '" + k + "'?)")
                        .orElse("");
                error(
                        name,
                        "unknown key '" + name + "'" + suggestion + "; expected one of: " + String.join(", ", known));
            }
        }
        return true;
    }

    /** Reports a missing key; true when present. */
    boolean require(String key, String expected) {
        if (has(key)) {
            return true;
        }
        error(key, "required key is missing; expected " + expected);
        return false;
    }

    /** The mapping under {@code key}; empty (with an error) when it is something else, empty when absent. */
    Optional<ConfigNode> mapping(String key) {
        return value(key, v -> {
            if (!v.isObject()) {
                throw new IllegalArgumentException("expected a mapping (key: value lines), got " + describe(v));
            }
            return child(key, v);
        });
    }

    /** The items of the list under {@code key}, each with its index in its path; empty when absent or not a list. */
    List<ConfigNode> list(String key) {
        return value(key, v -> {
                    if (!v.isArray()) {
                        throw new IllegalArgumentException("expected a list, got " + describe(v));
                    }
                    List<ConfigNode> items = new ArrayList<>();
                    for (int i = 0; i < v.size(); i++) {
                        items.add(new ConfigNode(file, pathOf(key) + "[" + i + "]", v.get(i), findings));
                    }
                    return items;
                })
                .orElse(List.of());
    }

    /** The entries of this mapping, each a child node keyed by its name. */
    List<ConfigNode> entries() {
        List<ConfigNode> entries = new ArrayList<>();
        node.properties().forEach(e -> entries.add(child(e.getKey(), e.getValue())));
        return entries;
    }

    /** The last key of this node's path: the entry name for nodes from {@link #entries()}. */
    String key() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    /** This node as a non-empty string; reports and returns empty otherwise. */
    Optional<String> asString() {
        try {
            return Optional.of(text(node));
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return Optional.empty();
        }
    }

    /** This node as a whole number in range; reports and returns empty otherwise. */
    Optional<Integer> asInt(int min, int max) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            error("expected a whole number from " + min + " to " + max + ", got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(node.intValue());
    }

    /** The string under {@code key} when it is one; nothing is reported either way. */
    Optional<String> textIfString(String key) {
        return has(key) && node.get(key).isTextual() ? Optional.of(node.get(key).textValue()) : Optional.empty();
    }

    Optional<String> string(String key) {
        return value(key, ConfigNode::text);
    }

    /**
     * The name of the environment variable written under {@code key} (a {@code *-env} key). What is written there
     * is never repeated in a message: an operator who pasted the secret itself must not see it printed back.
     */
    Optional<String> variableName(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonNode v = node.get(key);
        if (!v.isTextual() || !VARIABLE.matcher(v.textValue()).matches()) {
            error(
                    key,
                    "expected the name of an environment variable ([A-Za-z_][A-Za-z0-9_]*, such as KALSHI_API_KEY_ID)"
                            + " that holds the secret, never the secret itself; what is written here is not shown");
            return Optional.empty();
        }
        return Optional.of(v.textValue());
    }

    /** A string that must be one of {@code allowed}. */
    Optional<String> oneOf(String key, List<String> allowed) {
        return value(key, v -> {
            String s = v.isBoolean() ? v.asText() : text(v);
            if (!allowed.contains(s)) {
                String suggestion = ClosestKey.to(s, allowed)
                        .map(k -> " (did you mean '" + k + "'?)")
                        .orElse("");
                throw new IllegalArgumentException(
                        "expected one of: " + String.join(", ", allowed) + ", got '" + s + "'" + suggestion);
            }
            return s;
        });
    }

    Optional<Boolean> bool(String key) {
        return value(key, v -> {
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("expected true or false, got " + describe(v));
            }
            return v.booleanValue();
        });
    }

    Optional<Integer> integer(String key, int min, int max) {
        return value(key, v -> {
            if (!v.isIntegralNumber()) {
                throw new IllegalArgumentException(
                        "expected a whole number from " + min + " to " + max + ", got " + describe(v));
            }
            if (!v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
                throw new IllegalArgumentException(
                        "expected a whole number from " + min + " to " + max + ", got " + v.asText());
            }
            return v.intValue();
        });
    }

    /** A number of zero or more, as a decimal of its shortest text (YAML reads {@code 1000.50} as 1000.5). */
    Optional<java.math.BigDecimal> nonNegativeAmount(String key) {
        return value(key, v -> {
            if (!v.isNumber() || v.decimalValue().signum() < 0) {
                throw new IllegalArgumentException("expected a number of 0 or more, got " + describe(v));
            }
            return new java.math.BigDecimal(v.asText());
        });
    }

    Optional<Double> decimal(String key, double min, double max) {
        return value(key, v -> {
            if (!v.isNumber() || v.doubleValue() < min || v.doubleValue() > max) {
                throw new IllegalArgumentException(
                        "expected a number from " + min + " to " + max + ", got " + describe(v));
            }
            return v.doubleValue();
        });
    }

    /** A duration; {@code none} (when allowed) reads as {@link Duration#ZERO}. */
    Optional<Duration> duration(String key, boolean noneAllowed) {
        String expected = noneAllowed ? Units.DURATION_EXAMPLES + ", or none" : Units.DURATION_EXAMPLES;
        return value(key, v -> {
            String s = textOf(v, expected);
            return noneAllowed && s.equals("none") ? Duration.ZERO : Units.parseDuration(s, expected);
        });
    }

    /** A size in bytes; {@code none} (when allowed) reads as -1. */
    Optional<Long> size(String key, boolean noneAllowed) {
        String expected = noneAllowed ? Units.SIZE_EXAMPLES + ", or none" : Units.SIZE_EXAMPLES;
        return value(key, v -> {
            if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
                return v.longValue();
            }
            String s = textOf(v, expected);
            return noneAllowed && s.equals("none") ? -1L : Units.parseSize(s, expected);
        });
    }

    /** An absolute URL with one of the given schemes and a host. */
    Optional<URI> url(String key, List<String> schemes) {
        String expected = "an absolute " + String.join(" or ", schemes) + " URL";
        return value(key, v -> {
            String s = textOf(v, expected);
            try {
                URI uri = new URI(s);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!schemes.contains(scheme) || uri.getHost() == null) {
                    throw new IllegalArgumentException("expected " + expected + ", got '" + s + "'");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        "expected " + expected + ", got '" + s + "' (" + e.getReason() + ")");
            }
        });
    }

    /** A string item of a list, with its node so that a later check can point at it. */
    record Text(String value, ConfigNode node) {}

    /**
     * The items of a list of non-empty strings, with an error for each item that is not one; empty when absent, not
     * a list, or any item is wrong.
     */
    Optional<List<Text>> texts(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        boolean isList = node.get(key).isArray();
        List<ConfigNode> items = list(key);
        List<Text> values = new ArrayList<>();
        for (ConfigNode item : items) {
            item.asString().ifPresent(s -> values.add(new Text(s, item)));
        }
        return isList && values.size() == items.size() ? Optional.of(values) : Optional.empty();
    }

    /** A list of non-empty strings, with an error for each item that is not one. */
    Optional<List<String>> strings(String key) {
        return texts(key).map(items -> items.stream().map(Text::value).toList());
    }

    private ConfigNode child(String key, JsonNode value) {
        return new ConfigNode(file, pathOf(key), value, findings);
    }

    private <T> Optional<T> value(String key, Function<JsonNode, T> convert) {
        if (!has(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(convert.apply(node.get(key)));
        } catch (IllegalArgumentException e) {
            error(key, e.getMessage());
            return Optional.empty();
        }
    }

    private static String textOf(JsonNode v, String expected) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("expected " + expected + ", got " + describe(v));
        }
        return v.textValue();
    }

    private static String text(JsonNode v) {
        if (v.isNumber()) {
            // YAML reads unquoted digits as a number, which loses leading zeros and exponents: ids must be quoted.
            throw new IllegalArgumentException("expected a string, got the number " + v.asText()
                    + "; quote values that look like numbers (\"" + v.asText() + "\")");
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("expected a string, got " + describe(v));
        }
        if (v.textValue().isBlank()) {
            throw new IllegalArgumentException("expected a non-empty string");
        }
        return v.textValue();
    }

    static String describe(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "nothing (null)";
        }
        if (v.isTextual()) {
            String s = v.textValue();
            return "'" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
        }
        if (v.isBoolean()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return "the number " + v.asText();
        }
        return v.isArray() ? "a list" : "a mapping";
    }
}
