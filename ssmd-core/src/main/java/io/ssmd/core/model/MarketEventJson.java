package io.ssmd.core.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes a {@link MarketEvent} as the JSON a gateway client receives (DESIGN §7):
 * <pre>{@code {"type":"trade","feed":"kraken","ticker":"BTC/USD","price":"62807.0","size":"0.5","side":"buy",
 * "tradeId":"42","snapshot":false,"ts":1755387423745044}}</pre>
 *
 * <ul>
 *   <li>Prices and sizes are JSON strings in plain notation with the wire's own digits: {@code 0.50} stays
 *       {@code "0.50"}, {@code 6.2604214e-11} becomes {@code "0.000000000062604214"}, never an exponent.</li>
 *   <li>{@code ts} is a number, epoch microseconds. Empty optionals (and a trade side of {@link Side#UNKNOWN}) are
 *       left out, never written as null.</li>
 *   <li>Books ({@code "type":"orderbook"}) carry {@code "bids":[["price","size"],...]}, {@code "asks"} and
 *       {@code "snapshot"}: true for a whole book, false for changed levels (a size of {@code "0"} removes the level).
 *       A delta still in signed changes (Kalshi's) says {@code "incremental":true}; a book keeper
 *       ({@link OrderBook}) turns those into absolute sizes before clients see them.</li>
 *   <li>Trades carry {@code "snapshot"} too: true for trades the venue re-sent on (re)subscribe.</li>
 *   <li>Lifecycle events carry {@code "event"} and, when there are any, {@code "details"} (text values, keys sorted).</li>
 * </ul>
 *
 * <p>Written with Jackson's streaming generator straight to bytes: this runs once per event per client group on the
 * gateway's hot path, so no tree or data-binding step. Stateless and thread-safe.
 */
public final class MarketEventJson {

    /** Shared and thread-safe once configured; generators made from it are per call. */
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private MarketEventJson() {}

    /** The event as client JSON, UTF-8. */
    public static byte[] write(MarketEvent event) {
        return write(event, null);
    }

    /**
     * The event as client JSON with the venue message it came from under {@code "raw"} (a client's {@code ?raw=true}).
     *
     * @param rawJson the published message: it must be one JSON value (normalizers only turn valid JSON into events),
     *                or null for none
     */
    public static byte[] write(MarketEvent event, byte[] rawJson) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", event.type());
            json.writeStringField("feed", event.feed());
            json.writeStringField("ticker", event.instrument());
            body(json, event);
            json.writeNumberField("ts", event.ts());
            if (rawJson != null) {
                json.writeFieldName("raw");
                json.writeRawValue(new String(rawJson, StandardCharsets.UTF_8));
            }
            json.writeEndObject();
        } catch (IOException e) {
            // A ByteArrayOutputStream never fails; only a bug in the generator could get here.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@link #write(MarketEvent)} as a string, for text WebSocket frames and tests. */
    public static String writeString(MarketEvent event) {
        return new String(write(event), StandardCharsets.UTF_8);
    }

    /** The fields of each kind of event (Java 17: no pattern switch over the sealed interface yet). */
    private static void body(JsonGenerator json, MarketEvent event) throws IOException {
        if (event instanceof Trade trade) {
            trade(json, trade);
        } else if (event instanceof Ticker ticker) {
            ticker(json, ticker);
        } else if (event instanceof BookSnapshot book) {
            book(json, true, false, book.bids(), book.asks());
        } else if (event instanceof BookDelta delta) {
            book(json, false, delta.incremental(), delta.bids(), delta.asks());
        } else if (event instanceof Lifecycle lifecycle) {
            lifecycle(json, lifecycle);
        }
    }

    private static void trade(JsonGenerator json, Trade trade) throws IOException {
        decimal(json, "price", trade.price());
        decimal(json, "size", trade.size());
        // An aggressor the venue did not name is left out, like any absent field.
        if (trade.side() != Side.UNKNOWN) {
            json.writeStringField("side", trade.side().name().toLowerCase(Locale.ROOT));
        }
        if (trade.tradeId().isPresent()) {
            json.writeStringField("tradeId", trade.tradeId().get());
        }
        json.writeBooleanField("snapshot", trade.snapshot());
    }

    private static void ticker(JsonGenerator json, Ticker ticker) throws IOException {
        optional(json, "bid", ticker.bid());
        optional(json, "bidSize", ticker.bidSize());
        optional(json, "ask", ticker.ask());
        optional(json, "askSize", ticker.askSize());
        optional(json, "last", ticker.last());
        optional(json, "volume", ticker.volume());
    }

    private static void book(
            JsonGenerator json, boolean snapshot, boolean incremental, List<Level> bids, List<Level> asks)
            throws IOException {
        json.writeBooleanField("snapshot", snapshot);
        if (incremental) {
            json.writeBooleanField("incremental", true);
        }
        levels(json, "bids", bids);
        levels(json, "asks", asks);
    }

    private static void levels(JsonGenerator json, String name, List<Level> levels) throws IOException {
        json.writeArrayFieldStart(name);
        for (Level level : levels) {
            json.writeStartArray();
            json.writeString(level.price().toPlainString());
            json.writeString(level.size().toPlainString());
            json.writeEndArray();
        }
        json.writeEndArray();
    }

    private static void lifecycle(JsonGenerator json, Lifecycle lifecycle) throws IOException {
        json.writeStringField("event", lifecycle.event());
        if (lifecycle.details().isEmpty()) {
            return;
        }
        json.writeObjectFieldStart("details");
        // Sorted, so one event always reads the same (Map.copyOf has no order).
        for (Map.Entry<String, String> detail : new TreeMap<>(lifecycle.details()).entrySet()) {
            json.writeStringField(detail.getKey(), detail.getValue());
        }
        json.writeEndObject();
    }

    private static void optional(JsonGenerator json, String name, Optional<BigDecimal> value) throws IOException {
        if (value.isPresent()) {
            decimal(json, name, value.get());
        }
    }

    /** A decimal as a string of its plain digits: {@link BigDecimal#toPlainString()} keeps the wire's scale. */
    private static void decimal(JsonGenerator json, String name, BigDecimal value) throws IOException {
        json.writeStringField(name, value.toPlainString());
    }
}
