package io.ssmd.feeds.kraken;

import io.ssmd.core.shard.JsonSlices;
import io.ssmd.core.shard.JsonTape;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fast path of {@link KrakenProtocol#read}: the same {@link KrakenProtocol.Frame} for the frames a connection
 * mostly carries (channel frames: {@code book}, {@code trade}, {@code ticker}, heartbeats), read from a
 * {@link JsonTape} that checked the frame in the same pass, so no parser is made and no field is copied unless the
 * decoder uses it. Answers null for anything it does not read exactly as the Jackson reader would (a method answer, an
 * escaped name or value, a key given twice, a field of an odd type), and the decoder reads that frame with
 * {@link KrakenProtocol#read}: same outcome, same reasons.
 */
final class KrakenFrameTape {

    private static final JsonTape.Names ROOT_FIELDS =
            JsonTape.names("channel", "type", "data", "method", "error", "symbol", "req_id", "success");
    private static final JsonTape.Names ENTRY_FIELDS = JsonTape.names("symbol", "bids", "asks", "checksum");
    private static final JsonTape.Names LEVEL_FIELDS = JsonTape.names("price", "qty");

    /** Channel and type names as constants: the common ones cost no {@code String} per frame. */
    private static final String[] NAMES = {"book", "trade", "ticker", "heartbeat", "status", "update", "snapshot"};

    private static final JsonTape.Names NAME_CONSTANTS = JsonTape.names(NAMES);

    /** Thrown inside this reader for what only the Jackson reader reads; never leaves it. */
    private static final class Unread extends Exception {
        Unread() {
            super(null, null, false, false);
        }
    }

    private static final Unread UNREAD = new Unread();

    private final JsonTape tape = new JsonTape();

    /** The frame as {@link KrakenProtocol#read} reads it, or null when that reader must read it. */
    KrakenProtocol.Frame read(byte[] frame) {
        if (!tape.read(frame) || tape.kind(0) != JsonTape.OBJECT) {
            return null;
        }
        String channel = null;
        String type = null;
        List<KrakenProtocol.Entry> data = null;
        JsonSlices.Layout layout = null;
        boolean seenChannel = false;
        boolean seenType = false;
        boolean seenData = false;
        int end = tape.next(0);
        for (int name = 1; name < end; name = tape.next(name + 1)) {
            int value = name + 1;
            int field = tape.field(name, ROOT_FIELDS);
            // A method answer, or a name this tape does not compare: the Jackson reader's.
            if (field == JsonTape.ESCAPED_NAME || field >= 3) {
                return null;
            }
            if (field == 0) {
                if (seenChannel || tape.kind(value) != JsonTape.STRING || tape.escaped(value)) {
                    return null;
                }
                seenChannel = true;
                channel = name(value);
            } else if (field == 1) {
                if (seenType || tape.kind(value) != JsonTape.STRING || tape.escaped(value)) {
                    return null;
                }
                seenType = true;
                type = name(value);
            } else if (field == 2) {
                if (seenData) {
                    return null;
                }
                seenData = true;
                if (tape.kind(value) == JsonTape.ARRAY) {
                    List<int[]> ranges = new ArrayList<>(2);
                    try {
                        data = entries(value, ranges);
                    } catch (Unread e) {
                        return null;
                    }
                    layout = new JsonSlices.Layout(tape.start(value), tape.end(value), ranges);
                }
            }
        }
        return new KrakenProtocol.Frame(channel, type, null, null, null, null, null, data, layout);
    }

    private List<KrakenProtocol.Entry> entries(int array, List<int[]> ranges) throws Unread {
        List<KrakenProtocol.Entry> entries = new ArrayList<>(2);
        int end = tape.next(array);
        for (int element = array + 1; element < end; element = tape.next(element)) {
            if (tape.kind(element) != JsonTape.OBJECT) {
                throw UNREAD;
            }
            entries.add(entry(element));
            ranges.add(new int[] {tape.start(element), tape.end(element)});
        }
        return entries;
    }

    private KrakenProtocol.Entry entry(int object) throws Unread {
        String symbol = null;
        List<KrakenProtocol.Level> bids = List.of();
        List<KrakenProtocol.Level> asks = List.of();
        boolean readable = true;
        OptionalLong checksum = OptionalLong.empty();
        int seen = 0;
        int end = tape.next(object);
        for (int name = object + 1; name < end; name = tape.next(name + 1)) {
            int value = name + 1;
            int index = tape.field(name, ENTRY_FIELDS);
            if (index == JsonTape.ESCAPED_NAME) {
                throw UNREAD;
            }
            int field = index < 0 ? 0 : 1 << index;
            if (field == 0) {
                continue;
            }
            if ((seen & field) != 0) {
                throw UNREAD;
            }
            seen |= field;
            switch (field) {
                case 1 -> {
                    if (tape.kind(value) == JsonTape.STRING) {
                        if (tape.escaped(value)) {
                            throw UNREAD;
                        }
                        symbol = tape.cachedText(value);
                    }
                }
                case 2, 4 -> {
                    List<KrakenProtocol.Level> levels = tape.kind(value) == JsonTape.ARRAY ? levels(value) : null;
                    readable &= levels != null;
                    if (field == 2) {
                        bids = levels == null ? List.of() : levels;
                    } else {
                        asks = levels == null ? List.of() : levels;
                    }
                }
                default -> checksum = checksum(value);
            }
        }
        return new KrakenProtocol.Entry(symbol, bids, asks, readable, checksum);
    }

    /** A side's levels; null when one is not a level (the side is unreadable), as {@code WireTokens.levels}. */
    private List<KrakenProtocol.Level> levels(int array) throws Unread {
        List<KrakenProtocol.Level> levels = new ArrayList<>();
        boolean broken = false;
        int end = tape.next(array);
        for (int element = array + 1; element < end; element = tape.next(element)) {
            if (tape.kind(element) != JsonTape.OBJECT) {
                broken = true;
                continue;
            }
            int price = -1;
            int qty = -1;
            int objectEnd = tape.next(element);
            for (int name = element + 1; name < objectEnd; name = tape.next(name + 1)) {
                int field = tape.field(name, LEVEL_FIELDS);
                if (field == JsonTape.ESCAPED_NAME) {
                    throw UNREAD;
                }
                if (field == 0) {
                    if (price != -1) {
                        throw UNREAD;
                    }
                    price = name + 1;
                } else if (field == 1) {
                    if (qty != -1) {
                        throw UNREAD;
                    }
                    qty = name + 1;
                }
            }
            String priceText = price == -1 ? null : scalar(price);
            String qtyText = qty == -1 ? null : scalar(qty);
            KrakenProtocol.Level level =
                    priceText == null || qtyText == null ? null : KrakenProtocol.level(priceText, qtyText);
            if (level == null) {
                broken = true;
            } else {
                levels.add(level);
            }
        }
        return broken ? null : levels;
    }

    /** A scalar's text as Jackson's {@code getText} gives it; null for null or a container. */
    private String scalar(int token) throws Unread {
        if (tape.escaped(token)) {
            throw UNREAD;
        }
        return tape.scalar(token);
    }

    /** An unsigned 32-bit integer; anything else counts as no checksum, as {@link KrakenProtocol} reads it. */
    private OptionalLong checksum(int token) {
        long value = tape.longValue(token, -1);
        return value >= 0 && value <= 0xFFFF_FFFFL ? OptionalLong.of(value) : OptionalLong.empty();
    }

    private String name(int token) {
        int known = tape.field(token, NAME_CONSTANTS);
        return known >= 0 ? NAMES[known] : tape.text(token);
    }
}
