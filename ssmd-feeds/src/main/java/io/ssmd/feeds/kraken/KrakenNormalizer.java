package io.ssmd.feeds.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.feeds.WireFields;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Normalizes Kraken spot v2 messages as {@link KrakenDecoder} publishes them (exchanges/PROTOCOLS.md §2): the channel
 * envelope with its {@code data} array, normally cut down to one element.
 *
 * <ul>
 *   <li>{@code orderbook}: a {@code snapshot} → {@link BookSnapshot}; an {@code update} → absolute {@link BookDelta}
 *       (a {@code qty} of 0 removes the level; update levels come in no particular order).</li>
 *   <li>{@code trade}: one {@link Trade} per element; the last 50 trades Kraken re-sends on every subscribe arrive as
 *       {@code "type":"snapshot"} and are marked {@code snapshot}.</li>
 *   <li>{@code ticker}: bid, bid_qty, ask, ask_qty, last and the 24 h volume.</li>
 * </ul>
 *
 * <p>Times are RFC 3339 with microseconds. Stateless and thread-safe.
 */
public final class KrakenNormalizer implements Normalizer {

    @Override
    public List<MarketEvent> normalize(String feed, String type, byte[] payload) {
        Optional<JsonNode> message = WireFields.object(payload);
        if (message.isEmpty()) {
            return List.of();
        }
        JsonNode data = message.get().get("data");
        if (data == null || !data.isArray()) {
            return List.of();
        }
        boolean snapshot = "snapshot".equals(message.get().path("type").asText(""));
        String kind = kind(message.get(), type);
        List<MarketEvent> events = new ArrayList<>(data.size());
        for (JsonNode entry : data) {
            Optional<String> symbol = WireFields.text(entry.get("symbol"));
            if (symbol.isEmpty()) {
                continue;
            }
            switch (kind) {
                case "orderbook" -> book(feed, symbol.get(), entry, snapshot).ifPresent(events::add);
                case "trade" -> trade(feed, symbol.get(), entry, snapshot).ifPresent(events::add);
                case "ticker" -> events.add(ticker(feed, symbol.get(), entry));
                default -> {
                    // Not a market-data type of this venue: nothing to normalize.
                }
            }
        }
        return events;
    }

    /**
     * What the message is: its own {@code channel} ({@code book} is published as {@code orderbook}), else the
     * subject's type. The payload is the venue's word, so a message on an unexpected subject is still read right.
     */
    private static String kind(JsonNode message, String type) {
        String channel = message.path("channel").asText("");
        return switch (channel) {
            case "book" -> "orderbook";
            case "" -> type;
            default -> channel;
        };
    }

    /** A book element with neither side is not a book message; an empty side is (an update touching one side). */
    private static Optional<MarketEvent> book(String feed, String symbol, JsonNode entry, boolean snapshot) {
        if (!entry.path("bids").isArray() && !entry.path("asks").isArray()) {
            return Optional.empty();
        }
        List<Level> bids = WireFields.objectLevels(entry.get("bids"), "price", "qty");
        List<Level> asks = WireFields.objectLevels(entry.get("asks"), "price", "qty");
        // A 2025 snapshot came without a timestamp: 0, and the receive time stands in.
        long ts = WireFields.rfc3339ToMicros(entry.get("timestamp"));
        if (snapshot) {
            return Optional.of(
                    new BookSnapshot(feed, symbol, WireFields.highestFirst(bids), WireFields.lowestFirst(asks), ts));
        }
        return Optional.of(new BookDelta(feed, symbol, bids, asks, false, ts));
    }

    /** A trade without a readable price or quantity says nothing usable; any other missing field is left empty. */
    private static Optional<MarketEvent> trade(String feed, String symbol, JsonNode entry, boolean snapshot) {
        Optional<BigDecimal> price = WireFields.decimal(entry.get("price"));
        Optional<BigDecimal> qty = WireFields.decimal(entry.get("qty"));
        if (price.isEmpty() || qty.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Trade(
                feed,
                symbol,
                price.get(),
                qty.get(),
                WireFields.side(entry.get("side"), "buy", "sell"),
                WireFields.text(entry.get("trade_id")),
                WireFields.rfc3339ToMicros(entry.get("timestamp")),
                snapshot));
    }

    private static MarketEvent ticker(String feed, String symbol, JsonNode entry) {
        return new Ticker(
                feed,
                symbol,
                WireFields.decimal(entry.get("bid")),
                WireFields.decimal(entry.get("bid_qty")),
                WireFields.decimal(entry.get("ask")),
                WireFields.decimal(entry.get("ask_qty")),
                WireFields.decimal(entry.get("last")),
                WireFields.decimal(entry.get("volume")),
                WireFields.rfc3339ToMicros(entry.get("timestamp")));
    }
}
