package io.ssmd.feeds.polymarket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ssmd.feeds.WireTokens;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The Polymarket CLOB market channel on the client side (exchanges/PROTOCOLS.md §4): the requests ssmd sends and a
 * reading of the frames it receives.
 *
 * <p>Frames are read with Jackson's streaming parser, each event's byte range kept, so that an array frame is split
 * into slices of its own bytes and never re-serialized. Prices and sizes are read as {@link BigDecimal} from their
 * wire text ({@code "0.50"} and {@code "0.5"} are one level).
 */
public final class PolymarketProtocol {

    /** The keepalive: plain text, not JSON. Polymarket closes connections that send no PING (about every 10 s). */
    public static final String PING = "PING";
    /** The answer to {@link #PING}, plain text as well: it must never reach a JSON parser as an event. */
    public static final String PONG = "PONG";

    private static final JsonFactory JSON = new JsonFactory();

    /** A book level: absolute size at a price. */
    record Level(BigDecimal price, BigDecimal size) {}

    /**
     * One entry of a current-schema {@code price_change}.
     *
     * @param bid     {@code side} BUY (a bid level) rather than SELL; meaningless when not readable
     * @param bestBid the entry's {@code best_bid} text, null when absent or empty
     * @param bestAsk the entry's {@code best_ask} text, null when absent or empty
     * @param readable whether asset, side, price and size could all be read
     */
    record Change(
            String assetId,
            boolean bid,
            BigDecimal price,
            BigDecimal size,
            String bestBid,
            String bestAsk,
            boolean readable) {}

    /**
     * One event of a frame, with where its bytes sit.
     *
     * @param start         first byte of the event in the frame
     * @param end           one past its last byte
     * @param object        false when the element is not a JSON object (an array's odd member)
     * @param eventType     {@code event_type}; null when absent, empty or not a string
     * @param bids          null when the event has no {@code bids} array
     * @param levelsReadable false when a book level is not a {@code {price, size}} pair of decimals
     * @param priceChanges  the current schema's {@code price_changes}, null when absent
     * @param legacyChanges a retired v1 {@code changes} array is present
     * @param legacyPrice   a retired v0 flat {@code price} is present
     */
    record Event(
            int start,
            int end,
            boolean object,
            String eventType,
            String assetId,
            String market,
            List<String> assetsIds,
            List<Level> bids,
            List<Level> asks,
            boolean levelsReadable,
            List<Change> priceChanges,
            boolean legacyChanges,
            boolean legacyPrice) {}

    private PolymarketProtocol() {}

    /**
     * The frames that subscribe a fresh connection: {@code {"assets_ids":[…],"type":"market","initial_dump":true,
     * "custom_feature_enabled":…}} for the first {@code perFrame} ids, then dynamic {@code subscribe} operations for
     * the rest. {@code initial_dump} is the venue's default but is sent explicitly: without it books have been
     * reported missing at scale (nautilus #3963). None for no ids: an empty list with custom features would stream
     * {@code new_market} for every market (rs-clob-client#226).
     */
    public static List<String> subscribe(List<String> assets, boolean customFeatures, int perFrame) {
        List<String> frames = new ArrayList<>();
        for (int from = 0; from < assets.size(); from += perFrame) {
            List<String> chunk = assets.subList(from, Math.min(assets.size(), from + perFrame));
            frames.add(from == 0 ? initial(chunk, customFeatures) : operation("subscribe", chunk, customFeatures));
        }
        return frames;
    }

    /** The initial subscription of a connection. */
    static String initial(List<String> assets, boolean customFeatures) {
        StringBuilder frame = new StringBuilder(64 + assets.size() * 81).append("{\"assets_ids\":");
        appendIds(frame, assets);
        return frame.append(",\"type\":\"market\",\"initial_dump\":true,\"custom_feature_enabled\":")
                .append(customFeatures)
                .append('}')
                .toString();
    }

    /**
     * A dynamic {@code subscribe} (with {@code initial_dump}, so the fresh book comes; the venue documents the key
     * for the initial subscription only and ignores it, or honours it, here) or {@code unsubscribe}.
     */
    static String operation(String operation, List<String> assets, boolean customFeatures) {
        StringBuilder frame = new StringBuilder(64 + assets.size() * 81)
                .append("{\"operation\":\"")
                .append(operation)
                .append("\",\"assets_ids\":");
        appendIds(frame, assets);
        if (operation.equals("subscribe")) {
            frame.append(",\"initial_dump\":true,\"custom_feature_enabled\":").append(customFeatures);
        }
        return frame.append('}').toString();
    }

    /** Asset ids are decimal digits: they need no JSON escaping. */
    private static void appendIds(StringBuilder frame, List<String> assets) {
        frame.append('[');
        for (int i = 0; i < assets.size(); i++) {
            frame.append(i == 0 ? "\"" : ",\"").append(assets.get(i)).append('"');
        }
        frame.append(']');
    }

    /** Whether the frame is the text {@code PONG} (surrounding whitespace allowed). */
    static boolean isPong(byte[] frame) {
        int from = 0;
        int to = frame.length;
        while (from < to && frame[from] <= ' ') {
            from++;
        }
        while (to > from && frame[to - 1] <= ' ') {
            to--;
        }
        return to - from == 4
                && frame[from] == 'P'
                && frame[from + 1] == 'O'
                && frame[from + 2] == 'N'
                && frame[from + 3] == 'G';
    }

    /**
     * Reads a frame: one object, or an array of events.
     *
     * @param array set to whether the frame was an array
     * @throws IOException when the frame is not one JSON object or array, or has content after it
     */
    static List<Event> read(byte[] frame, boolean[] array) throws IOException {
        try (JsonParser p = JSON.createParser(frame)) {
            JsonToken first = p.nextToken();
            List<Event> events = new ArrayList<>();
            if (first == JsonToken.START_OBJECT) {
                array[0] = false;
                events.add(event(p, 0));
            } else if (first == JsonToken.START_ARRAY) {
                array[0] = true;
                JsonToken token;
                while ((token = WireTokens.nextElement(p)) != null) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    if (token == JsonToken.START_OBJECT) {
                        events.add(event(p, start));
                    } else {
                        p.skipChildren();
                        p.finishToken();
                        events.add(new Event(
                                start,
                                (int) p.currentLocation().getByteOffset(),
                                false,
                                null,
                                null,
                                null,
                                List.of(),
                                null,
                                null,
                                true,
                                null,
                                false,
                                false));
                    }
                }
            } else {
                throw new IOException("neither a JSON object nor an array");
            }
            if (p.nextToken() != null) {
                throw new IOException("content after the JSON value");
            }
            return events;
        }
    }

    /** Reads the object whose START_OBJECT is the current token. */
    private static Event event(JsonParser p, int start) throws IOException {
        String type = null;
        String asset = null;
        String market = null;
        List<String> assetsIds = List.of();
        List<Level> bids = null;
        List<Level> asks = null;
        boolean readable = true;
        List<Change> changes = null;
        boolean legacyChanges = false;
        boolean legacyPrice = false;
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "event_type" -> type = nonEmpty(WireTokens.text(p, value));
                case "asset_id" -> asset = nonEmpty(WireTokens.text(p, value));
                case "market" -> market = nonEmpty(WireTokens.text(p, value));
                case "assets_ids" ->
                    assetsIds = value == JsonToken.START_ARRAY ? strings(p) : WireTokens.skip(p, List.of());
                case "bids", "asks" -> {
                    List<Level> levels = value == JsonToken.START_ARRAY
                            ? WireTokens.levels(p, "price", "size", PolymarketProtocol::level)
                            : WireTokens.skip(p, null);
                    readable &= levels != null;
                    List<Level> side = levels == null ? List.of() : levels;
                    if (name.equals("bids")) {
                        bids = side;
                    } else {
                        asks = side;
                    }
                }
                case "price_changes" ->
                    changes = value == JsonToken.START_ARRAY ? changes(p) : WireTokens.skip(p, null);
                case "changes" -> legacyChanges = WireTokens.skip(p, true);
                case "price" -> legacyPrice = WireTokens.skip(p, true);
                default -> p.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IOException("unterminated object");
        }
        int end = (int) p.currentLocation().getByteOffset();
        return new Event(
                start,
                end,
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

    private static String nonEmpty(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static List<String> strings(JsonParser p) throws IOException {
        List<String> values = new ArrayList<>();
        JsonToken token;
        while ((token = WireTokens.nextElement(p)) != null) {
            String text = WireTokens.text(p, token);
            if (text != null && !text.isEmpty()) {
                values.add(text);
            }
        }
        return values;
    }

    /** A level of a book side, or null when the price or size is not a number. */
    private static Level level(String price, String size) {
        BigDecimal priceValue = decimal(price);
        BigDecimal sizeValue = decimal(size);
        return priceValue == null || sizeValue == null ? null : new Level(priceValue, sizeValue);
    }

    private static List<Change> changes(JsonParser p) throws IOException {
        return WireTokens.objects(
                p, PolymarketProtocol::change, new Change(null, false, null, null, null, null, false));
    }

    private static Change change(JsonParser p) throws IOException {
        String asset = null;
        String side = null;
        String price = null;
        String size = null;
        String bestBid = null;
        String bestAsk = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            String text = nonEmpty(WireTokens.text(p, value));
            switch (name) {
                case "asset_id" -> asset = text;
                case "side" -> side = text;
                case "price" -> price = text;
                case "size" -> size = text;
                case "best_bid" -> bestBid = text;
                case "best_ask" -> bestAsk = text;
                default -> {}
            }
        }
        BigDecimal priceValue = decimal(price);
        BigDecimal sizeValue = decimal(size);
        boolean bid = "BUY".equalsIgnoreCase(side);
        boolean readable =
                asset != null && priceValue != null && sizeValue != null && (bid || "SELL".equalsIgnoreCase(side));
        return new Change(asset, bid, priceValue, sizeValue, bestBid, bestAsk, readable);
    }

    /** A decimal from wire text, or null when there is none or it is not a number. */
    static BigDecimal decimal(String text) {
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
