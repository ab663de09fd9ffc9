package io.ssmd.feeds.kalshi;

import io.ssmd.core.shard.JsonTape;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fast path of {@link KalshiFrame#read}: the same fields, read from a {@link JsonTape} that checked the frame in the
 * same pass, so no parser is made per frame. Answers null for anything it does not read exactly as the Jackson reader
 * would (a frame that is no object, content after it, an escaped name or text, a key given twice), and the decoder
 * reads that frame with {@link KalshiFrame#read}: same outcome, same reasons.
 */
final class KalshiFrameTape {

    private static final JsonTape.Names ROOT_FIELDS = JsonTape.names("type", "sid", "seq", "id", "msg", "cmd");
    private static final JsonTape.Names MSG_FIELDS = JsonTape.names(
            "market_ticker",
            "event_ticker",
            "series_ticker",
            "additional_metadata",
            "channel",
            "sid",
            "code",
            "msg",
            "market_tickers",
            "price_dollars",
            "price",
            "delta_fp",
            "delta",
            "side",
            "yes_dollars_fp",
            "yes_dollars",
            "yes",
            "no_dollars_fp",
            "no_dollars",
            "no");
    private static final JsonTape.Names METADATA_FIELDS = JsonTape.names("event_ticker");

    /** The common types and sides as constants, no {@code String} per frame. */
    private static final String[] CONSTANTS = {
        "orderbook_delta", "orderbook_snapshot", "ticker", "trade", "fill", "market_lifecycle_v2", "yes", "no"
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

    /** The frame as {@link KalshiFrame#read} reads it, or null when that reader must read it. */
    KalshiFrame read(byte[] bytes) {
        if (!tape.read(bytes) || tape.kind(0) != JsonTape.OBJECT) {
            return null;
        }
        try {
            KalshiFrame frame = new KalshiFrame();
            frame.object = true;
            int seen = 0;
            int end = tape.next(0);
            for (int name = 1; name < end; name = tape.next(name + 1)) {
                int value = name + 1;
                int field = field(name, ROOT_FIELDS, seen);
                if (field < 0) {
                    continue;
                }
                seen |= 1 << field;
                switch (field) {
                    case 0 -> frame.type = tape.kind(value) == JsonTape.STRING ? constant(value) : null;
                    case 1 -> frame.sid = whole(value);
                    case 2 -> frame.seq = whole(value);
                    case 3 -> frame.id = whole(value);
                    case 4 -> {
                        frame.msg = tape.kind(value) == JsonTape.OBJECT ? msg(value) : null;
                        frame.msgArray = tape.kind(value) == JsonTape.ARRAY;
                    }
                    default -> frame.command = true;
                }
            }
            return frame;
        } catch (Unread e) {
            return null;
        }
    }

    private KalshiFrame.Msg msg(int object) throws Unread {
        KalshiFrame.Msg msg = new KalshiFrame.Msg();
        int seen = 0;
        int end = tape.next(object);
        for (int name = object + 1; name < end; name = tape.next(name + 1)) {
            int value = name + 1;
            int field = field(name, MSG_FIELDS, seen);
            if (field < 0) {
                continue;
            }
            seen |= 1 << field;
            switch (field) {
                case 0 -> msg.marketTicker = id(value);
                case 1 -> msg.eventTicker = text(value);
                case 2 -> msg.seriesTicker = text(value);
                case 3 -> msg.metadataEventTicker = metadataEventTicker(value);
                case 4 -> msg.channel = text(value);
                case 5 -> msg.sid = whole(value);
                case 6 -> msg.code = whole(value);
                case 7 -> msg.message = orEmpty(text(value), value);
                case 8 -> msg.marketTickers = tape.kind(value) == JsonTape.ARRAY ? texts(value) : null;
                case 9 -> msg.priceDollars = decimal(value);
                case 10 -> msg.priceCents = decimal(value);
                case 11 -> {
                    msg.hasDeltaFp = true;
                    msg.deltaFp = decimal(value);
                }
                case 12 -> msg.delta = decimal(value);
                case 13 -> msg.side = orEmpty(text(value), value);
                case 14 -> msg.yesFp = side(value);
                case 15 -> msg.yesDollars = side(value);
                case 16 -> msg.yesCents = side(value);
                case 17 -> msg.noFp = side(value);
                case 18 -> msg.noDollars = side(value);
                default -> msg.noCents = side(value);
            }
        }
        return msg;
    }

    private String metadataEventTicker(int value) throws Unread {
        if (tape.kind(value) != JsonTape.OBJECT) {
            return null;
        }
        String ticker = null;
        int seen = 0;
        int end = tape.next(value);
        for (int name = value + 1; name < end; name = tape.next(name + 1)) {
            if (field(name, METADATA_FIELDS, seen) == 0) {
                seen = 1;
                ticker = text(name + 1);
            }
        }
        return ticker;
    }

    /** A book side: JSON null is an empty side; an array of {@code [price, size]} pairs; anything else unreadable. */
    private KalshiLocalBook.Side side(int value) throws Unread {
        byte kind = tape.kind(value);
        if (kind == JsonTape.NULL) {
            return KalshiLocalBook.Side.EMPTY;
        }
        if (kind != JsonTape.ARRAY) {
            return KalshiLocalBook.Side.UNREADABLE;
        }
        List<BigDecimal[]> levels = new ArrayList<>();
        boolean readable = true;
        int end = tape.next(value);
        for (int element = value + 1; element < end; element = tape.next(element)) {
            BigDecimal[] level = tape.kind(element) == JsonTape.ARRAY ? pair(element) : null;
            if (level == null) {
                readable = false;
            } else if (readable) {
                levels.add(level);
            }
        }
        return readable ? new KalshiLocalBook.Side(levels) : KalshiLocalBook.Side.UNREADABLE;
    }

    /** {@code [price, size, ...]}: the first two as decimals, null when either is not one. */
    private BigDecimal[] pair(int array) throws Unread {
        int end = tape.next(array);
        int first = array + 1;
        if (first >= end) {
            return null;
        }
        int second = tape.next(first);
        if (second >= end) {
            return null;
        }
        BigDecimal price = decimal(first);
        BigDecimal size = decimal(second);
        return price == null || size == null ? null : new BigDecimal[] {price, size};
    }

    /** Each element's text: a container's is empty. */
    private List<String> texts(int array) throws Unread {
        List<String> texts = new ArrayList<>();
        int end = tape.next(array);
        for (int element = array + 1; element < end; element = tape.next(element)) {
            byte kind = tape.kind(element);
            texts.add(kind == JsonTape.OBJECT || kind == JsonTape.ARRAY ? "" : scalarText(element));
        }
        return texts;
    }

    /** {@link #text} of a market's ticker: a string recurs, so it comes from the tape's cache. */
    private String id(int value) throws Unread {
        if (tape.kind(value) != JsonTape.STRING) {
            return text(value);
        }
        String text = tape.cachedText(unescapedToken(value));
        return text.isEmpty() ? null : text;
    }

    private int unescapedToken(int value) throws Unread {
        if (tape.escaped(value)) {
            throw UNREAD;
        }
        return value;
    }

    /** A scalar's text as the tree gave it ({@code null} for JSON null); null for a container or "". */
    private String text(int value) throws Unread {
        byte kind = tape.kind(value);
        if (kind == JsonTape.OBJECT || kind == JsonTape.ARRAY) {
            return null;
        }
        String text = scalarText(value);
        return text.isEmpty() ? null : text;
    }

    private String orEmpty(String text, int value) {
        return text == null || tape.kind(value) == JsonTape.NULL ? "" : text;
    }

    private String scalarText(int value) throws Unread {
        byte kind = tape.kind(value);
        if (kind == JsonTape.NULL) {
            return "null";
        }
        if (kind == JsonTape.STRING) {
            return constant(value);
        }
        if (kind == JsonTape.NUMBER && fraction(value)) {
            return KalshiFrame.floatValue(tape.text(value)).toString();
        }
        return tape.scalar(value);
    }

    /** A decimal from a string or a number, null when it is neither ({@link KalshiNumbers#decimal}). */
    private BigDecimal decimal(int value) throws Unread {
        try {
            return switch (tape.kind(value)) {
                case JsonTape.STRING -> {
                    String text = unescaped(value).trim();
                    yield text.isEmpty() ? null : new BigDecimal(text);
                }
                case JsonTape.NUMBER ->
                    fraction(value) ? KalshiFrame.floatValue(tape.text(value)) : new BigDecimal(tape.text(value));
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A whole number from a number or a numeric string ({@link KalshiNumbers#whole}). */
    private OptionalLong whole(int value) throws Unread {
        byte kind = tape.kind(value);
        if (kind == JsonTape.NUMBER) {
            if (fraction(value)) {
                return OptionalLong.empty();
            }
            long small = tape.longValue(value, Long.MIN_VALUE);
            if (small != Long.MIN_VALUE) {
                return OptionalLong.of(small);
            }
            // Beyond 18 digits: the tree's asLong() kept the low 64 bits.
            return OptionalLong.of(new BigInteger(tape.text(value)).longValue());
        }
        if (kind == JsonTape.STRING) {
            try {
                return OptionalLong.of(Long.parseLong(unescaped(value).trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /** Whether a number has a fraction or an exponent: Jackson's {@code VALUE_NUMBER_FLOAT}. */
    private boolean fraction(int value) {
        return !tape.integral(value);
    }

    private String unescaped(int value) throws Unread {
        if (tape.escaped(value)) {
            throw UNREAD;
        }
        return tape.text(value);
    }

    /** A string's text, a common type or side as its constant. */
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
