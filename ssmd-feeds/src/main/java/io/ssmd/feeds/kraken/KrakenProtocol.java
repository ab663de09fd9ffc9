package io.ssmd.feeds.kraken;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.ssmd.core.shard.JsonSlices;
import io.ssmd.feeds.WireTokens;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Kraken spot v2 on the client side (exchanges/PROTOCOLS.md §2): the requests ssmd sends and a reading of the frames
 * it receives.
 *
 * <p>Frames are read with Jackson's streaming parser, never a tree of doubles: a number's token text is exactly its
 * wire text ({@code 0.00000000}, {@code 62807.0}), which is what the book checksum is computed on, and
 * {@code connection_id} (above 2^53) is skipped without being converted at all.
 */
public final class KrakenProtocol {

    /**
     * The app-level keepalive. Kraken answers {@code {"method":"pong",...}}; {@code req_id} is optional and left out,
     * as any pong is life and nothing else needs matching to a ping.
     */
    public static final String PING = "{\"method\":\"ping\"}";

    /**
     * The {@code req_id} of each request ssmd sends, fixed by purpose so that an answer says which request it
     * belongs to: a whole-request refusal ({@code Subscription depth not supported}) carries no symbol and no
     * channel, only the {@code req_id}.
     */
    static final int REQ_BOOK = 1;

    static final int REQ_TRADE = 2;
    static final int REQ_TICKER = 3;
    static final int REQ_RESYNC_UNSUBSCRIBE = 4;
    static final int REQ_RESYNC_SUBSCRIBE = 5;
    static final int REQ_LIVENESS_UNSUBSCRIBE = 6;
    static final int REQ_LIVENESS_SUBSCRIBE = 7;

    private static final JsonFactory JSON = new JsonFactory();

    /** A price level as its wire text, and the price's value for ordering (the text is what is checksummed). */
    record Level(BigDecimal value, String price, String qty, boolean deletes) {}

    /**
     * One element of a channel frame's {@code data}.
     *
     * @param symbol   null when the element has none
     * @param bids     book levels, empty for other channels
     * @param readable false when some book level was not a {@code {price, qty}} pair of numbers
     * @param checksum the book checksum, when the element carries one
     */
    record Entry(String symbol, List<Level> bids, List<Level> asks, boolean readable, OptionalLong checksum) {}

    /**
     * The top-level fields of a frame that classify it; null where absent.
     *
     * @param reqId   the {@code req_id}'s text
     * @param data    the {@code data} elements, or null when there is no {@code data} array
     * @param layout  where the first {@code data} array's elements sit in the frame, for slicing; null when there is
     *                no {@code data} array
     */
    record Frame(
            String channel,
            String type,
            String method,
            Boolean success,
            String error,
            String symbol,
            String reqId,
            List<Entry> data,
            JsonSlices.Layout layout) {}

    /** A frame that is valid JSON but not an object, or whose known fields have the wrong JSON type. */
    static final class NotAFrame extends IOException {
        NotAFrame(String message) {
            super(message);
        }
    }

    private KrakenProtocol() {}

    /**
     * A subscribe request. Book: with the depth (Kraken defaults to 10 otherwise); every channel asks for a snapshot,
     * which Kraken sends after the per-symbol acks.
     */
    public static String subscribe(String channel, List<String> symbols, int bookDepth, int reqId) {
        StringBuilder sb = new StringBuilder(64 + symbols.size() * 16)
                .append("{\"method\":\"subscribe\",\"params\":{\"channel\":")
                .append(quote(channel))
                .append(",\"symbol\":");
        appendSymbols(sb, symbols);
        if (channel.equals("book")) {
            sb.append(",\"depth\":").append(bookDepth);
        }
        return sb.append(",\"snapshot\":true},\"req_id\":")
                .append(reqId)
                .append('}')
                .toString();
    }

    /**
     * An unsubscribe from books. The depth is part of a book subscription's identity, so it is named as it was
     * subscribed.
     */
    public static String unsubscribeBook(List<String> symbols, int bookDepth, int reqId) {
        StringBuilder sb = new StringBuilder(64 + symbols.size() * 16)
                .append("{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"book\",\"symbol\":");
        appendSymbols(sb, symbols);
        return sb.append(",\"depth\":")
                .append(bookDepth)
                .append("},\"req_id\":")
                .append(reqId)
                .append('}')
                .toString();
    }

    /** An unsubscribe from any channel; a book's names its depth ({@link #unsubscribeBook}). */
    public static String unsubscribe(String channel, List<String> symbols, int bookDepth, int reqId) {
        if (channel.equals("book")) {
            return unsubscribeBook(symbols, bookDepth, reqId);
        }
        StringBuilder sb = new StringBuilder(64 + symbols.size() * 16)
                .append("{\"method\":\"unsubscribe\",\"params\":{\"channel\":")
                .append(quote(channel))
                .append(",\"symbol\":");
        appendSymbols(sb, symbols);
        return sb.append("},\"req_id\":").append(reqId).append('}').toString();
    }

    /** The {@code req_id} ssmd's initial subscribe of a channel carries. */
    static int subscribeReqId(String channel) {
        return switch (channel) {
            case "book" -> REQ_BOOK;
            case "trade" -> REQ_TRADE;
            case "ticker" -> REQ_TICKER;
            default -> throw new IllegalArgumentException("not a Kraken channel ssmd subscribes: " + channel);
        };
    }

    /** The channel of ssmd's initial subscribe with this {@code req_id} text, if it is one. */
    static Optional<String> channelOfSubscribe(String reqId) {
        if (reqId == null) {
            return Optional.empty();
        }
        return switch (reqId) {
            case "1" -> Optional.of("book");
            case "2" -> Optional.of("trade");
            case "3" -> Optional.of("ticker");
            default -> Optional.empty();
        };
    }

    private static void appendSymbols(StringBuilder sb, List<String> symbols) {
        sb.append('[');
        for (int i = 0; i < symbols.size(); i++) {
            sb.append(i > 0 ? "," : "").append(quote(symbols.get(i)));
        }
        sb.append(']');
    }

    /**
     * Reads a frame's classifying fields and its {@code data} entries.
     *
     * @throws IOException when the frame is not one JSON object ({@link NotAFrame} when it parses but is no frame)
     */
    static Frame read(byte[] frame) throws IOException {
        try (JsonParser p = JSON.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new NotAFrame("not a JSON object");
            }
            String channel = null;
            String type = null;
            String method = null;
            Boolean success = null;
            String error = null;
            String symbol = null;
            String reqId = null;
            List<Entry> data = null;
            JsonSlices.Layout layout = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "channel" -> channel = text(p, name);
                    case "type" -> type = text(p, name);
                    case "method" -> method = text(p, name);
                    case "error" -> error = value == JsonToken.VALUE_STRING ? p.getText() : skipToText(p);
                    case "symbol" -> symbol = value == JsonToken.VALUE_STRING ? p.getText() : WireTokens.skip(p, null);
                    case "req_id" -> reqId = value.isScalarValue() ? p.getText() : WireTokens.skip(p, null);
                    case "success" ->
                        success = value.isBoolean() ? (Boolean) p.getBooleanValue() : WireTokens.skip(p, null);
                    case "data" -> {
                        if (value != JsonToken.START_ARRAY) {
                            data = WireTokens.skip(p, null);
                        } else if (layout == null) {
                            // Entries and their byte ranges in one pass: the frame is sliced by them, not parsed again.
                            List<int[]> ranges = new ArrayList<>();
                            int arrayStart = (int) p.currentTokenLocation().getByteOffset();
                            data = entries(p, ranges);
                            layout = new JsonSlices.Layout(
                                    arrayStart, (int) p.currentLocation().getByteOffset(), ranges);
                        } else {
                            data = entries(p, null);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new NotAFrame("unterminated object");
            }
            if (p.nextToken() != null) {
                throw new NotAFrame("content after the object");
            }
            return new Frame(channel, type, method, success, error, symbol, reqId, data, layout);
        }
    }

    private static String text(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new NotAFrame("'" + field + "' is not a string");
        }
        return p.getText();
    }

    /** An error that is not a string (never seen) is still an error: keep a scalar's text. */
    private static String skipToText(JsonParser p) throws IOException {
        String text = p.currentToken().isScalarValue() ? p.getText() : "(not text)";
        p.skipChildren();
        return text;
    }

    /** The {@code data} elements; with {@code ranges}, each element's byte range (end exclusive) too. */
    private static List<Entry> entries(JsonParser p, List<int[]> ranges) throws IOException {
        List<Entry> entries = new ArrayList<>();
        JsonToken token;
        while ((token = WireTokens.nextElement(p)) != null) {
            int start = (int) p.currentTokenLocation().getByteOffset();
            entries.add(token == JsonToken.START_OBJECT ? entry(p) : WireTokens.skip(p, NOT_AN_ENTRY));
            if (ranges != null) {
                // A string's text is read lazily: finish it, or the location would still point inside it.
                p.finishToken();
                ranges.add(new int[] {start, (int) p.currentLocation().getByteOffset()});
            }
        }
        return entries;
    }

    private static final Entry NOT_AN_ENTRY = new Entry(null, List.of(), List.of(), false, OptionalLong.empty());

    private static Entry entry(JsonParser p) throws IOException {
        String symbol = null;
        List<Level> bids = List.of();
        List<Level> asks = List.of();
        boolean readable = true;
        OptionalLong checksum = OptionalLong.empty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "symbol" -> symbol = value == JsonToken.VALUE_STRING ? p.getText() : WireTokens.skip(p, null);
                case "bids", "asks" -> {
                    List<Level> levels = value == JsonToken.START_ARRAY
                            ? WireTokens.levels(p, "price", "qty", KrakenProtocol::level)
                            : WireTokens.skip(p, null);
                    readable &= levels != null;
                    if (name.equals("bids")) {
                        bids = levels == null ? List.of() : levels;
                    } else {
                        asks = levels == null ? List.of() : levels;
                    }
                }
                case "checksum" -> checksum = checksum(p);
                default -> p.skipChildren();
            }
        }
        return new Entry(symbol, bids, asks, readable, checksum);
    }

    /**
     * A level of a book side, or null when the price or qty is not a number. Kraken sends bare numbers; a quoted
     * number would carry the same text, so it is taken too.
     */
    static Level level(String price, String qty) {
        try {
            BigDecimal value = new BigDecimal(price);
            return new Level(value, price, qty, new BigDecimal(qty).signum() == 0);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The checksum is an unsigned 32-bit integer; anything else counts as no checksum. */
    private static OptionalLong checksum(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            return OptionalLong.empty();
        }
        try {
            long value = Long.parseLong(p.getText());
            return value >= 0 && value <= 0xFFFF_FFFFL ? OptionalLong.of(value) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A JSON string literal of {@code text}, escaped. */
    public static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** Whether {@code symbol} has the v2 shape {@code BASE/QUOTE}. */
    public static boolean wellFormed(String symbol) {
        int slash = symbol.indexOf('/');
        return slash > 0 && slash < symbol.length() - 1 && slash == symbol.lastIndexOf('/');
    }
}
