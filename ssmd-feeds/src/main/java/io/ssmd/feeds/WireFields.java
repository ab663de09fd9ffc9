package io.ssmd.feeds;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.Side;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tolerant readers of venue JSON for the normalizers: every reader answers empty (or 0 for times) for a field that is
 * missing, null, of another type or not a number, so one changed field never costs the event (DESIGN §8).
 *
 * <p>Numbers become {@link BigDecimal}s from their wire text, whether the venue sends them as JSON numbers (Kraken's
 * {@code 0.10000000}, Futures' {@code -6.2604214e-11}) or as strings (Polymarket, Kalshi): the mapper reads floats as
 * BigDecimal from the token's text and keeps trailing zeros, so no value ever passes through a double.
 */
public final class WireFields {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private static final Comparator<Level> HIGHEST_FIRST =
            Comparator.comparing(Level::price).reversed();
    private static final Comparator<Level> LOWEST_FIRST = Comparator.comparing(Level::price);

    private WireFields() {}

    /** The message as a JSON object; empty when it is not JSON or not an object. */
    public static Optional<JsonNode> object(byte[] payload) {
        try {
            JsonNode node = JSON.readTree(payload);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A decimal from a JSON number or a numeric string. */
    public static Optional<BigDecimal> decimal(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            return Optional.of(node.decimalValue());
        }
        if (node.isTextual()) {
            String text = node.asText().trim();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new BigDecimal(text));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The text of a string, number or boolean; empty when absent, null, a container or an empty string. */
    public static Optional<String> text(JsonNode node) {
        if (node == null || !node.isValueNode() || node.isNull()) {
            return Optional.empty();
        }
        // A number as its plain digits: a BigDecimal's own toString could answer in exponent form.
        String text = node.isNumber() ? node.decimalValue().toPlainString() : node.asText();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** The aggressor from a side field, in the venue's words for a buy and a sell; {@link Side#UNKNOWN} otherwise. */
    public static Side side(JsonNode node, String buy, String sell) {
        String word = node == null ? "" : node.asText("");
        if (word.equals(buy)) {
            return Side.BUY;
        }
        return word.equals(sell) ? Side.SELL : Side.UNKNOWN;
    }

    /** Epoch microseconds of a count of epoch milliseconds (number or string); 0 when there is none. */
    public static long millisToMicros(JsonNode node) {
        return wholeNumber(node).map(ms -> ms * 1_000).orElse(0L);
    }

    /** Epoch microseconds of a count of epoch seconds (number or string); 0 when there is none. */
    public static long secondsToMicros(JsonNode node) {
        return wholeNumber(node).map(s -> s * 1_000_000).orElse(0L);
    }

    /** Epoch microseconds of an RFC 3339 time ({@code 2026-08-16T23:37:03.745044Z}); 0 when there is none. */
    public static long rfc3339ToMicros(JsonNode node) {
        Optional<String> text = text(node);
        if (text.isEmpty()) {
            return 0;
        }
        try {
            Instant instant = Instant.parse(text.get());
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
        } catch (DateTimeParseException | ArithmeticException e) {
            return 0;
        }
    }

    /** A whole number from an integral JSON number or a string of digits. */
    public static Optional<Long> wholeNumber(JsonNode node) {
        Optional<BigDecimal> value = decimal(node);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(value.get().longValueExact());
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    /**
     * Levels given as objects ({@code {"price":…,"qty":…}}); an element without a readable price or size is left out,
     * its siblings kept.
     */
    public static List<Level> objectLevels(JsonNode array, String priceField, String sizeField) {
        if (array == null || !array.isArray()) {
            return List.of();
        }
        List<Level> levels = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            Optional<BigDecimal> price = decimal(element.get(priceField));
            Optional<BigDecimal> size = decimal(element.get(sizeField));
            if (price.isPresent() && size.isPresent()) {
                levels.add(new Level(price.get(), size.get()));
            }
        }
        return levels;
    }

    /**
     * The scalar fields of an object as text (a lifecycle event's details), leaving out {@code skip} and any field
     * that is null, empty or a container.
     */
    public static Map<String, String> scalars(JsonNode object, Set<String> skip) {
        Map<String, String> fields = new HashMap<>();
        if (object == null || !object.isObject()) {
            return fields;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!skip.contains(field.getKey())) {
                text(field.getValue()).ifPresent(value -> fields.put(field.getKey(), value));
            }
        }
        return fields;
    }

    /** Bids sorted best (highest price) first, whatever order the venue listed them in. */
    public static List<Level> highestFirst(List<Level> bids) {
        List<Level> sorted = new ArrayList<>(bids);
        sorted.sort(HIGHEST_FIRST);
        return sorted;
    }

    /** Asks sorted best (lowest price) first, whatever order the venue listed them in. */
    public static List<Level> lowestFirst(List<Level> asks) {
        List<Level> sorted = new ArrayList<>(asks);
        sorted.sort(LOWEST_FIRST);
        return sorted;
    }
}
