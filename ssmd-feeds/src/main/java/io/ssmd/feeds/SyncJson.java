package io.ssmd.feeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** What every venue's sync does with the JSON it reads: texts that may be absent, instants, sorted JSON objects. */
public final class SyncJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SyncJson() {}

    /** The text of a field; null when absent, null or blank. Numbers as their JSON text. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        String s = v.isFloatingPointNumber()
                ? new BigDecimal(v.asText()).stripTrailingZeros().toPlainString()
                : v.asText();
        return s.isBlank() ? null : s;
    }

    /** An RFC 3339 instant; null when absent or not one. */
    public static Instant instant(JsonNode node, String field) {
        String s = text(node, field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** A JSON object with its keys sorted (stable text, so an unchanged object never looks changed). */
    public static String sorted(Map<String, ?> values) {
        ObjectNode node = JSON.createObjectNode();
        new TreeMap<>(values).forEach((k, v) -> {
            if (v instanceof JsonNode j) {
                node.set(k, j);
            } else if (v != null) {
                node.putPOJO(k, v);
            }
        });
        return node.toString();
    }

    /** A copy of {@code object} without the fields {@code drop} names (quotes that change every minute), keys sorted. */
    public static String without(JsonNode object, Predicate<String> drop) {
        ObjectNode copy = JSON.createObjectNode();
        TreeMap<String, JsonNode> kept = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!drop.test(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            }
        }
        kept.forEach(copy::set);
        return copy.toString();
    }

    /** The number of decimals of a decimal text ({@code 0.001} is 3); null for null. */
    public static Integer decimals(String decimal) {
        if (decimal == null) {
            return null;
        }
        try {
            return Math.max(0, new BigDecimal(decimal).stripTrailingZeros().scale());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static ObjectMapper mapper() {
        return JSON;
    }
}
