package io.ssmd.feeds.krakenfutures;

import io.ssmd.core.shard.JsonSlices;
import io.ssmd.core.shard.JsonTape;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fast path of {@link KrakenFuturesFrame#read}: the same fields, read from a {@link JsonTape} that checked the frame
 * in the same pass, so no parser is made per frame. Answers null for anything it does not read exactly as the Jackson
 * reader would (a frame that is no object, an escaped name or text, a key given twice, a {@code trades} element that
 * is no object), and the decoder reads that frame with {@link KrakenFuturesFrame#read}: same outcome, same reasons.
 */
final class KrakenFuturesFrameTape {

    private static final JsonTape.Names FIELDS = JsonTape.names(
            "event",
            "feed",
            "product_id",
            "message",
            "product_ids",
            "seq",
            "side",
            "price",
            "qty",
            "bids",
            "asks",
            "trades");
    private static final JsonTape.Names LEVEL_FIELDS = JsonTape.names("price", "qty");

    /** The common events, feeds and sides as constants, no {@code String} per frame. */
    private static final String[] CONSTANTS = {
        "trade", "ticker", "book", "trade_snapshot", "book_snapshot", "ticker_lite", "heartbeat", "buy", "sell"
    };

    private static final JsonTape.Names CONSTANT_NAMES = JsonTape.names(CONSTANTS);

    /** Thrown inside this reader for what only the Jackson reader reads; never leaves it. */
    private static final class Unread extends Exception {
        Unread() {
            super(null, null, false, false);
        }
    }

    private static final Unread UNREAD = new Unread();

    private final JsonTape tape = new JsonTape();

    /** The frame as {@link KrakenFuturesFrame#read} reads it, or null when that reader must read it. */
    KrakenFuturesFrame read(byte[] bytes) {
        if (!tape.read(bytes) || tape.kind(0) != JsonTape.OBJECT) {
            return null;
        }
        try {
            KrakenFuturesFrame frame = new KrakenFuturesFrame();
            frame.object = true;
            int seen = 0;
            int end = tape.next(0);
            for (int name = 1; name < end; name = tape.next(name + 1)) {
                int value = name + 1;
                int field = field(name, FIELDS, seen);
                if (field < 0) {
                    continue;
                }
                seen |= 1 << field;
                switch (field) {
                    case 0 -> frame.event = asText(value, "");
                    case 1 -> {
                        frame.feed = tape.kind(value) == JsonTape.STRING ? constant(value) : null;
                        frame.feedText = asText(value, "");
                    }
                    case 2 -> frame.productId = tape.kind(value) == JsonTape.STRING ? id(value) : asText(value, "");
                    case 3 -> frame.message = tape.kind(value) == JsonTape.STRING ? constant(value) : null;
                    case 4 -> frame.productIds = texts(value);
                    case 5 -> frame.seq = seq(value);
                    case 6 -> frame.side = asText(value, "");
                    case 7 -> frame.price = decimal(value);
                    case 8 -> frame.qty = decimal(value);
                    case 9 -> frame.bids = levels(value);
                    case 10 -> frame.asks = levels(value);
                    default -> frame.trades = tape.kind(value) == JsonTape.ARRAY ? layout(value) : null;
                }
            }
            return frame;
        } catch (Unread e) {
            return null;
        }
    }

    /** A scalar's text as the tree's {@code asText} gave it; {@code orNull} for JSON null, empty for a container. */
    private String asText(int value, String orNull) throws Unread {
        return switch (tape.kind(value)) {
            case JsonTape.NULL -> orNull;
            case JsonTape.STRING -> constant(value);
            case JsonTape.NUMBER ->
                tape.integral(value) ? tape.text(value) : new BigDecimal(tape.text(value)).toString();
            case JsonTape.TRUE -> "true";
            case JsonTape.FALSE -> "false";
            default -> "";
        };
    }

    /** Each element's text of an array, or of an object's values. */
    private List<String> texts(int value) throws Unread {
        byte kind = tape.kind(value);
        if (kind != JsonTape.ARRAY && kind != JsonTape.OBJECT) {
            return List.of();
        }
        List<String> texts = new ArrayList<>();
        int end = tape.next(value);
        for (int t = value + 1; t < end; t = tape.next(t)) {
            if (kind == JsonTape.OBJECT) {
                // A member's name: its value is the next token.
                t++;
            }
            texts.add(asText(t, "null"));
        }
        return texts;
    }

    private OptionalLong seq(int value) {
        if (tape.kind(value) != JsonTape.NUMBER || !tape.integral(value)) {
            return OptionalLong.empty();
        }
        long small = tape.longValue(value, Long.MIN_VALUE);
        if (small != Long.MIN_VALUE) {
            return OptionalLong.of(small);
        }
        try {
            return OptionalLong.of(Long.parseLong(tape.text(value)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A decimal from a number or a string (no trimming); null otherwise. */
    private BigDecimal decimal(int value) throws Unread {
        byte kind = tape.kind(value);
        if (kind != JsonTape.NUMBER && kind != JsonTape.STRING) {
            return null;
        }
        if (tape.escaped(value)) {
            throw UNREAD;
        }
        try {
            return new BigDecimal(tape.text(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private List<KrakenFuturesFrame.Level> levels(int value) throws Unread {
        if (tape.kind(value) != JsonTape.ARRAY) {
            return null;
        }
        List<KrakenFuturesFrame.Level> levels = new ArrayList<>();
        int end = tape.next(value);
        for (int element = value + 1; element < end; element = tape.next(element)) {
            if (tape.kind(element) != JsonTape.OBJECT) {
                levels.add(new KrakenFuturesFrame.Level(null, null));
                continue;
            }
            BigDecimal price = null;
            BigDecimal qty = null;
            int seen = 0;
            int objectEnd = tape.next(element);
            for (int name = element + 1; name < objectEnd; name = tape.next(name + 1)) {
                int field = field(name, LEVEL_FIELDS, seen);
                if (field < 0) {
                    continue;
                }
                seen |= 1 << field;
                if (field == 0) {
                    price = decimal(name + 1);
                } else {
                    qty = decimal(name + 1);
                }
            }
            levels.add(new KrakenFuturesFrame.Level(price, qty));
        }
        return levels;
    }

    /** Where the {@code trades} elements sit, as {@link JsonSlices#layout} finds them; objects only. */
    private JsonSlices.Layout layout(int array) throws Unread {
        List<int[]> elements = new ArrayList<>();
        int end = tape.next(array);
        for (int element = array + 1; element < end; element = tape.next(element)) {
            if (tape.kind(element) != JsonTape.OBJECT) {
                throw UNREAD;
            }
            elements.add(new int[] {tape.start(element), tape.end(element)});
        }
        return new JsonSlices.Layout(tape.start(array), tape.end(array), List.copyOf(elements));
    }

    /** A product id's text: it recurs, so it comes from the tape's cache. */
    private String id(int value) throws Unread {
        if (tape.escaped(value)) {
            throw UNREAD;
        }
        return tape.cachedText(value);
    }

    /** A string's text, a common event, feed or side as its constant. */
    private String constant(int value) throws Unread {
        if (tape.escaped(value)) {
            throw UNREAD;
        }
        int known = tape.field(value, CONSTANT_NAMES);
        if (known >= 0) {
            return CONSTANTS[known];
        }
        return tape.text(value);
    }

    /** Which field a name is, -1 for none; a name with escapes or given twice is for the Jackson reader. */
    private int field(int name, JsonTape.Names names, int seen) throws Unread {
        int field = tape.field(name, names);
        if (field == JsonTape.ESCAPED_NAME || (field >= 0 && (seen & (1 << field)) != 0)) {
            throw UNREAD;
        }
        return field;
    }
}
