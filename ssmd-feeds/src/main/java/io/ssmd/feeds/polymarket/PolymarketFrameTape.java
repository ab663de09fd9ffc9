package io.ssmd.feeds.polymarket;

import io.ssmd.core.shard.JsonTape;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast path of {@link PolymarketProtocol#read}: the same events, read from a {@link JsonTape} that checked the
 * frame in the same pass, so no parser is made per frame. Answers null for anything it does not read exactly as the
 * Jackson reader would (an escaped name or text, a key given twice, an array element that is no object), and the
 * decoder reads that frame with {@link PolymarketProtocol#read}: same outcome, same reasons.
 */
final class PolymarketFrameTape {

    private static final JsonTape.Names EVENT_FIELDS = JsonTape.names(
            "event_type", "asset_id", "market", "assets_ids", "bids", "asks", "price_changes", "changes", "price");
    private static final JsonTape.Names LEVEL_FIELDS = JsonTape.names("price", "size");
    private static final JsonTape.Names CHANGE_FIELDS =
            JsonTape.names("asset_id", "side", "price", "size", "best_bid", "best_ask");

    /** Event types as constants: the venue's own cost no {@code String} per event. */
    private static final String[] TYPES = {
        "book",
        "price_change",
        "last_trade_price",
        "tick_size_change",
        "best_bid_ask",
        "new_market",
        "market_resolved",
        "BUY",
        "SELL"
    };

    private static final JsonTape.Names TYPE_NAMES = JsonTape.names(TYPES);

    private static final PolymarketProtocol.Change NOT_A_CHANGE =
            new PolymarketProtocol.Change(null, false, null, null, null, null, false);

    /** Thrown inside this reader for what only the Jackson reader reads; never leaves it. */
    private static final class Unread extends Exception {
        Unread() {
            super(null, null, false, false);
        }
    }

    private static final Unread UNREAD = new Unread();

    private final JsonTape tape = new JsonTape();

    /**
     * The frame's events as {@link PolymarketProtocol#read} reads them, {@code array[0]} set likewise; null when that
     * reader must read the frame.
     */
    List<PolymarketProtocol.Event> read(byte[] frame, boolean[] array) {
        if (!tape.read(frame)) {
            return null;
        }
        try {
            byte root = tape.kind(0);
            if (root == JsonTape.OBJECT) {
                array[0] = false;
                return List.of(event(0, 0));
            }
            if (root != JsonTape.ARRAY) {
                return null;
            }
            array[0] = true;
            List<PolymarketProtocol.Event> events = new ArrayList<>();
            int end = tape.next(0);
            for (int element = 1; element < end; element = tape.next(element)) {
                if (tape.kind(element) != JsonTape.OBJECT) {
                    return null;
                }
                events.add(event(element, tape.start(element)));
            }
            return events;
        } catch (Unread e) {
            return null;
        }
    }

    private PolymarketProtocol.Event event(int object, int start) throws Unread {
        String type = null;
        String asset = null;
        String market = null;
        List<String> assetsIds = List.of();
        List<PolymarketProtocol.Level> bids = null;
        List<PolymarketProtocol.Level> asks = null;
        boolean readable = true;
        List<PolymarketProtocol.Change> changes = null;
        boolean legacyChanges = false;
        boolean legacyPrice = false;
        int seen = 0;
        int end = tape.next(object);
        for (int name = object + 1; name < end; name = tape.next(name + 1)) {
            int value = name + 1;
            int field = field(name, EVENT_FIELDS);
            if (field < 0) {
                continue;
            }
            if ((seen & (1 << field)) != 0) {
                throw UNREAD;
            }
            seen |= 1 << field;
            switch (field) {
                case 0 -> type = nonEmpty(constant(value));
                case 1 -> asset = nonEmpty(id(value));
                case 2 -> market = nonEmpty(id(value));
                case 3 -> assetsIds = tape.kind(value) == JsonTape.ARRAY ? strings(value) : List.of();
                case 4, 5 -> {
                    List<PolymarketProtocol.Level> levels = tape.kind(value) == JsonTape.ARRAY ? levels(value) : null;
                    readable &= levels != null;
                    List<PolymarketProtocol.Level> side = levels == null ? List.of() : levels;
                    if (field == 4) {
                        bids = side;
                    } else {
                        asks = side;
                    }
                }
                case 6 -> changes = tape.kind(value) == JsonTape.ARRAY ? changes(value) : null;
                case 7 -> legacyChanges = true;
                default -> legacyPrice = true;
            }
        }
        return new PolymarketProtocol.Event(
                start,
                tape.end(object),
                true,
                type,
                asset,
                market,
                assetsIds,
                bids,
                asks,
                readable,
                changes,
                legacyChanges,
                legacyPrice);
    }

    private List<String> strings(int array) throws Unread {
        List<String> values = new ArrayList<>();
        int end = tape.next(array);
        for (int element = array + 1; element < end; element = tape.next(element)) {
            String text = text(element);
            if (text != null && !text.isEmpty()) {
                values.add(text);
            }
        }
        return values;
    }

    /** A side's levels; null when one is not a level, as {@code WireTokens.levels}. */
    private List<PolymarketProtocol.Level> levels(int array) throws Unread {
        List<PolymarketProtocol.Level> levels = new ArrayList<>();
        boolean broken = false;
        int end = tape.next(array);
        for (int element = array + 1; element < end; element = tape.next(element)) {
            if (tape.kind(element) != JsonTape.OBJECT) {
                broken = true;
                continue;
            }
            String price = null;
            String size = null;
            int seen = 0;
            int objectEnd = tape.next(element);
            for (int name = element + 1; name < objectEnd; name = tape.next(name + 1)) {
                int field = field(name, LEVEL_FIELDS);
                if (field < 0) {
                    continue;
                }
                if ((seen & (1 << field)) != 0) {
                    throw UNREAD;
                }
                seen |= 1 << field;
                if (field == 0) {
                    price = text(name + 1);
                } else {
                    size = text(name + 1);
                }
            }
            BigDecimal priceValue = price == null ? null : PolymarketProtocol.decimal(price);
            BigDecimal sizeValue = size == null ? null : PolymarketProtocol.decimal(size);
            if (priceValue == null || sizeValue == null) {
                broken = true;
            } else {
                levels.add(new PolymarketProtocol.Level(priceValue, sizeValue));
            }
        }
        return broken ? null : levels;
    }

    private List<PolymarketProtocol.Change> changes(int array) throws Unread {
        List<PolymarketProtocol.Change> changes = new ArrayList<>(2);
        int end = tape.next(array);
        for (int element = array + 1; element < end; element = tape.next(element)) {
            changes.add(tape.kind(element) == JsonTape.OBJECT ? change(element) : NOT_A_CHANGE);
        }
        return changes;
    }

    private PolymarketProtocol.Change change(int object) throws Unread {
        String[] texts = new String[CHANGE_FIELDS.size()];
        int seen = 0;
        int end = tape.next(object);
        for (int name = object + 1; name < end; name = tape.next(name + 1)) {
            int field = field(name, CHANGE_FIELDS);
            if (field < 0) {
                continue;
            }
            if ((seen & (1 << field)) != 0) {
                throw UNREAD;
            }
            seen |= 1 << field;
            texts[field] = nonEmpty(field == 1 ? constant(name + 1) : field == 0 ? id(name + 1) : text(name + 1));
        }
        String asset = texts[0];
        String side = texts[1];
        BigDecimal priceValue = PolymarketProtocol.decimal(texts[2]);
        BigDecimal sizeValue = PolymarketProtocol.decimal(texts[3]);
        boolean bid = "BUY".equalsIgnoreCase(side);
        boolean readable =
                asset != null && priceValue != null && sizeValue != null && (bid || "SELL".equalsIgnoreCase(side));
        return new PolymarketProtocol.Change(asset, bid, priceValue, sizeValue, texts[4], texts[5], readable);
    }

    private int field(int name, JsonTape.Names names) throws Unread {
        int field = tape.field(name, names);
        if (field == JsonTape.ESCAPED_NAME) {
            throw UNREAD;
        }
        return field;
    }

    /** A scalar's text as the Jackson reader takes it ({@code WireTokens.text}); null for null or a container. */
    private String text(int token) throws Unread {
        if (tape.escaped(token)) {
            throw UNREAD;
        }
        return tape.scalar(token);
    }

    /** {@link #text} of an asset or market id: a string recurs, so it comes from the tape's cache. */
    private String id(int token) throws Unread {
        if (tape.kind(token) != JsonTape.STRING) {
            return text(token);
        }
        if (tape.escaped(token)) {
            throw UNREAD;
        }
        return tape.cachedText(token);
    }

    /** {@link #text}, a known type or side answered as its constant. */
    private String constant(int token) throws Unread {
        if (tape.kind(token) == JsonTape.STRING && !tape.escaped(token)) {
            int known = tape.field(token, TYPE_NAMES);
            if (known >= 0) {
                return TYPES[known];
            }
        }
        return text(token);
    }

    private static String nonEmpty(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
