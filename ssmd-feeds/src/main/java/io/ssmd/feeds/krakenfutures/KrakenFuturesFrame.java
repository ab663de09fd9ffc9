package io.ssmd.feeds.krakenfutures;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ssmd.core.shard.JsonSlices;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fields of one Kraken Futures frame that the decoder routes and checks books by, read in one pass of Jackson's
 * streaming parser (no tree of nodes per frame: issue 20), with the byte layout of a {@code trade_snapshot}'s
 * {@code trades} so that it is sliced in the same pass.
 *
 * <p>Values read as the decoder read them from a tree before: numbers as {@link BigDecimal} from their exact text,
 * texts as the tree's {@code asText} gave them, a key given twice counting as its last value, and nothing allowed
 * after the frame's value (the mapper's {@code FAIL_ON_TRAILING_TOKENS}, with its message).
 */
final class KrakenFuturesFrame {

    private static final JsonFactory JSON = new JsonFactory();

    /** A frame that is not JSON, or has a value after its own; the message is what the tree's mapper said. */
    static final class NotJson extends IOException {
        NotJson(String message) {
            super(message);
        }
    }

    /** A book level: price and qty, each null when it is not a decimal. */
    record Level(BigDecimal price, BigDecimal qty) {}

    boolean object;
    /** {@code event} as {@code asText("")}; null when the frame has no {@code event}. */
    String event;
    /** {@code feed} when it is a JSON string, else null. */
    String feed;
    /** {@code feed} as {@code asText("")}. */
    String feedText = "";

    String productId = "";
    /** {@code message} when it is a JSON string, else null. */
    String message;

    List<String> productIds = List.of();
    /** {@code seq} when it is a whole number that fits a long. */
    OptionalLong seq = OptionalLong.empty();

    String side = "";
    BigDecimal price;
    BigDecimal qty;
    /** {@code bids} and {@code asks} when they are arrays, else null. */
    List<Level> bids;

    List<Level> asks;
    /** Where the first {@code trades} array's elements sit, null when there is none. */
    JsonSlices.Layout trades;

    KrakenFuturesFrame() {}

    /**
     * Reads a frame.
     *
     * @throws IOException when it is not one JSON value (the parser's exception, or {@link NotJson})
     */
    static KrakenFuturesFrame read(byte[] bytes) throws IOException {
        KrakenFuturesFrame frame = new KrakenFuturesFrame();
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                frame.object = true;
                frame.fields(p);
            } else if (first != null) {
                p.skipChildren();
            }
            JsonToken trailing = first == null ? null : p.nextToken();
            if (trailing != null) {
                throw new NotJson("Trailing token (of type " + trailing + ") found after value (bound as"
                        + " `com.fasterxml.jackson.databind.JsonNode`): not allowed as per"
                        + " `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`");
            }
        }
        return frame;
    }

    private void fields(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "event" -> event = asText(p, value, "");
                case "feed" -> {
                    feed = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    feedText = asText(p, value, "");
                }
                case "product_id" -> productId = asText(p, value, "");
                case "message" -> message = value == JsonToken.VALUE_STRING ? p.getText() : skip(p, null);
                case "product_ids" -> productIds = texts(p, value);
                case "seq" -> seq = seq(p, value);
                case "side" -> side = asText(p, value, "");
                case "price" -> price = decimal(p, value);
                case "qty" -> qty = decimal(p, value);
                case "bids" -> bids = levels(p, value);
                case "asks" -> asks = levels(p, value);
                case "trades" -> {
                    if (value == JsonToken.START_ARRAY && trades == null) {
                        trades = JsonSlices.layout(p);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    /** A scalar's text as the tree's {@code asText} gave it; {@code orNull} for JSON null, empty for a container. */
    private static String asText(JsonParser p, JsonToken value, String orNull) throws IOException {
        return switch (value) {
            case VALUE_NULL -> orNull;
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_TRUE, VALUE_FALSE -> p.getText();
            // The mapper read fractions as BigDecimal, kept with their trailing zeros.
            case VALUE_NUMBER_FLOAT -> new BigDecimal(p.getText()).toString();
            default -> skip(p, "");
        };
    }

    /** Each element's text of an array (an object's values: the tree iterated those too). */
    private static List<String> texts(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY && value != JsonToken.START_OBJECT) {
            return skip(p, List.of());
        }
        JsonToken end = value == JsonToken.START_ARRAY ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
        List<String> texts = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != end) {
            if (token == JsonToken.FIELD_NAME) {
                continue;
            }
            texts.add(asText(p, token, "null"));
        }
        return texts;
    }

    private static OptionalLong seq(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            return skip(p, OptionalLong.empty());
        }
        try {
            return OptionalLong.of(Long.parseLong(p.getText()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A decimal from a number or a string (no trimming, as the tree's reader did); null otherwise. */
    private static BigDecimal decimal(JsonParser p, JsonToken value) throws IOException {
        try {
            return switch (value) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_STRING -> new BigDecimal(p.getText());
                default -> skip(p, null);
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A book side's {@code {price, qty}} levels; an element that is no object is a level of neither. */
    private static List<Level> levels(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            return skip(p, null);
        }
        List<Level> levels = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                levels.add(skip(p, new Level(null, null)));
                continue;
            }
            BigDecimal price = null;
            BigDecimal qty = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken field = p.nextToken();
                switch (name) {
                    case "price" -> price = decimal(p, field);
                    case "qty" -> qty = decimal(p, field);
                    default -> p.skipChildren();
                }
            }
            levels.add(new Level(price, qty));
        }
        return levels;
    }

    private static <T> T skip(JsonParser p, T result) throws IOException {
        p.skipChildren();
        return result;
    }
}
