package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fields of one Kalshi frame that the decoder routes and checks books by, read in one pass of Jackson's streaming
 * parser: no tree of nodes per frame (issue 20 found building it the larger part of a frame's cost), every other
 * field skipped.
 *
 * <p>Values read as the decoder read them from a tree before ({@link KalshiNumbers} on a mapper with
 * {@code USE_BIG_DECIMAL_FOR_FLOATS}): a JSON number with a fraction loses its trailing zeros ({@code 0.960} is 0.96,
 * the tree's default), a quoted number keeps its text, a whole number is taken from a number or a numeric string, a
 * text field takes any scalar's text ({@code null} included, as {@code asText} did). A key given twice counts as
 * its last value. Content after the frame's object is not read, as the tree did not read it.
 */
final class KalshiFrame {

    private static final JsonFactory JSON = new JsonFactory();

    /** Whether the frame is a JSON object; nothing else is read when it is not. */
    boolean object;
    /** {@code type} when it is a JSON string; null otherwise. */
    String type;
    /** Whether the frame has a {@code cmd} (a client command in a recording). */
    boolean command;

    OptionalLong sid = OptionalLong.empty();
    OptionalLong seq = OptionalLong.empty();
    OptionalLong id = OptionalLong.empty();
    /** {@code msg} when it is an object; null otherwise. */
    Msg msg;
    /** Whether {@code msg} is an array ({@code list_subscriptions}' answer). */
    boolean msgArray;

    /** The fields of a {@code msg} object. Texts are null when absent, a container or empty. */
    static final class Msg {
        String marketTicker;
        String eventTicker;
        String seriesTicker;
        /** {@code additional_metadata.event_ticker}. */
        String metadataEventTicker;

        String channel;
        OptionalLong sid = OptionalLong.empty();
        OptionalLong code = OptionalLong.empty();
        /** {@code msg.msg}, an error's text: empty when absent or not a scalar. */
        String message = "";
        /** {@code market_tickers} when it is an array (each element's text), else null. */
        List<String> marketTickers;

        /** A delta's {@code price_dollars}, {@code price} (cents), {@code delta_fp}, {@code delta}: null when absent. */
        BigDecimal priceDollars;

        BigDecimal priceCents;
        boolean hasDeltaFp;
        BigDecimal deltaFp;
        BigDecimal delta;
        /** A delta's {@code side}: empty when absent or not a scalar. */
        String side = "";

        /** A snapshot's sides, by key ({@code yes_dollars_fp}, {@code yes_dollars}, {@code yes}, the same for no). */
        KalshiLocalBook.Side yesFp;

        KalshiLocalBook.Side yesDollars;
        KalshiLocalBook.Side yesCents;
        KalshiLocalBook.Side noFp;
        KalshiLocalBook.Side noDollars;
        KalshiLocalBook.Side noCents;
    }

    KalshiFrame() {}

    /**
     * Reads a frame.
     *
     * @throws IOException when it is not JSON (the parser's exception, whose class names the problem)
     */
    static KalshiFrame read(byte[] bytes) throws IOException {
        KalshiFrame frame = new KalshiFrame();
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                // Read to its end all the same: a broken array is "not JSON", as the tree said.
                if (first != null) {
                    p.skipChildren();
                }
                return frame;
            }
            frame.object = true;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> frame.type = value == JsonToken.VALUE_STRING ? p.getText() : skip(p, null);
                    case "sid" -> frame.sid = whole(p, value);
                    case "seq" -> frame.seq = whole(p, value);
                    case "id" -> frame.id = whole(p, value);
                    case "msg" -> {
                        frame.msg = value == JsonToken.START_OBJECT ? msg(p) : skip(p, null);
                        frame.msgArray = value == JsonToken.START_ARRAY;
                    }
                    case "cmd" -> frame.command = skip(p, true);
                    default -> p.skipChildren();
                }
            }
            if (token == null) {
                throw new IOException("unterminated object");
            }
        }
        return frame;
    }

    private static Msg msg(JsonParser p) throws IOException {
        Msg msg = new Msg();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "market_ticker" -> msg.marketTicker = text(p, value);
                case "event_ticker" -> msg.eventTicker = text(p, value);
                case "series_ticker" -> msg.seriesTicker = text(p, value);
                case "additional_metadata" -> msg.metadataEventTicker = metadataEventTicker(p, value);
                case "channel" -> msg.channel = text(p, value);
                case "sid" -> msg.sid = whole(p, value);
                case "code" -> msg.code = whole(p, value);
                case "msg" -> msg.message = orEmpty(text(p, value), value);
                case "market_tickers" -> msg.marketTickers = value == JsonToken.START_ARRAY ? texts(p) : skip(p, null);
                case "price_dollars" -> msg.priceDollars = decimal(p, value);
                case "price" -> msg.priceCents = decimal(p, value);
                case "delta_fp" -> {
                    msg.hasDeltaFp = true;
                    msg.deltaFp = decimal(p, value);
                }
                case "delta" -> msg.delta = decimal(p, value);
                case "side" -> msg.side = orEmpty(text(p, value), value);
                case "yes_dollars_fp" -> msg.yesFp = side(p, value);
                case "yes_dollars" -> msg.yesDollars = side(p, value);
                case "yes" -> msg.yesCents = side(p, value);
                case "no_dollars_fp" -> msg.noFp = side(p, value);
                case "no_dollars" -> msg.noDollars = side(p, value);
                case "no" -> msg.noCents = side(p, value);
                default -> p.skipChildren();
            }
        }
        return msg;
    }

    private static String metadataEventTicker(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            return skip(p, null);
        }
        String ticker = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken field = p.nextToken();
            if (name.equals("event_ticker")) {
                ticker = text(p, field);
            } else {
                p.skipChildren();
            }
        }
        return ticker;
    }

    /** A book side: JSON null is an empty side; an array of {@code [price, size]} pairs; anything else unreadable. */
    private static KalshiLocalBook.Side side(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return KalshiLocalBook.Side.EMPTY;
        }
        if (value != JsonToken.START_ARRAY) {
            return skip(p, KalshiLocalBook.Side.UNREADABLE);
        }
        List<BigDecimal[]> levels = new ArrayList<>();
        boolean readable = true;
        JsonToken element;
        while ((element = next(p)) != JsonToken.END_ARRAY) {
            BigDecimal[] level = element == JsonToken.START_ARRAY ? pair(p) : skip(p, null);
            if (level == null) {
                readable = false;
            } else if (readable) {
                levels.add(level);
            }
        }
        return readable ? new KalshiLocalBook.Side(levels) : KalshiLocalBook.Side.UNREADABLE;
    }

    /** {@code [price, size, ...]}: the first two as decimals, null when either is not one (more are ignored). */
    private static BigDecimal[] pair(JsonParser p) throws IOException {
        BigDecimal price = null;
        BigDecimal size = null;
        int index = 0;
        JsonToken element;
        while ((element = next(p)) != JsonToken.END_ARRAY) {
            if (index == 0) {
                price = decimal(p, element);
            } else if (index == 1) {
                size = decimal(p, element);
            } else {
                p.skipChildren();
            }
            index++;
        }
        return price == null || size == null ? null : new BigDecimal[] {price, size};
    }

    private static JsonToken next(JsonParser p) throws IOException {
        JsonToken token = p.nextToken();
        if (token == null) {
            throw new IOException("unterminated array");
        }
        return token;
    }

    /** Each element's text: a container's is empty, as the tree's {@code asText} was. */
    private static List<String> texts(JsonParser p) throws IOException {
        List<String> texts = new ArrayList<>();
        JsonToken element;
        while ((element = next(p)) != JsonToken.END_ARRAY) {
            texts.add(element.isScalarValue() ? scalarText(p, element) : skip(p, ""));
        }
        return texts;
    }

    /** A scalar's text as the tree gave it ({@code null} for JSON null); null, skipped, for a container or "". */
    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (!value.isScalarValue()) {
            return skip(p, null);
        }
        String text = scalarText(p, value);
        return text.isEmpty() ? null : text;
    }

    /** What {@code asText("")} gave: empty for JSON null, a container or an absent field. */
    private static String orEmpty(String text, JsonToken value) {
        return text == null || value == JsonToken.VALUE_NULL ? "" : text;
    }

    private static String scalarText(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
            return floatValue(p.getText()).toString();
        }
        return p.getText();
    }

    /** A decimal from a string or a number, null when it is neither ({@link KalshiNumbers#decimal}). */
    private static BigDecimal decimal(JsonParser p, JsonToken value) throws IOException {
        try {
            return switch (value) {
                case VALUE_STRING -> {
                    String text = p.getText().trim();
                    yield text.isEmpty() ? null : new BigDecimal(text);
                }
                case VALUE_NUMBER_INT -> new BigDecimal(p.getText());
                case VALUE_NUMBER_FLOAT -> floatValue(p.getText());
                default -> skip(p, null);
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A fraction as the tree read it: exact, trailing zeros stripped (Jackson's default for decimal nodes). */
    static BigDecimal floatValue(String text) {
        BigDecimal value = new BigDecimal(text);
        try {
            return value.stripTrailingZeros();
        } catch (ArithmeticException e) {
            return value;
        }
    }

    /** A whole number from a number or a numeric string ({@link KalshiNumbers#whole}). */
    private static OptionalLong whole(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            String text = p.getText();
            try {
                return OptionalLong.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                // Beyond a long: the tree's asLong() kept the low 64 bits.
                return OptionalLong.of(new BigInteger(text).longValue());
            }
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return OptionalLong.of(Long.parseLong(p.getText().trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return skip(p, OptionalLong.empty());
    }

    private static <T> T skip(JsonParser p, T result) throws IOException {
        p.skipChildren();
        return result;
    }
}
