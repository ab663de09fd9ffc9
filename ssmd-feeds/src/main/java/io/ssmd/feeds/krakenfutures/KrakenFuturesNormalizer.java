package io.ssmd.feeds.krakenfutures;

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
 * Normalizes Kraken Futures v1 messages as {@link KrakenFuturesDecoder} publishes them (exchanges/PROTOCOLS.md §3):
 * flat objects told apart by {@code feed}, whatever subject type they came on.
 *
 * <ul>
 *   <li>{@code book_snapshot} → {@link BookSnapshot}; {@code book} → an absolute {@link BookDelta} of one level
 *       ({@code side} buy is a bid, sell an ask; {@code qty} 0 removes it).</li>
 *   <li>{@code trade} → {@link Trade}; each trade of a {@code trade_snapshot} (the decoder publishes one per message)
 *       → a {@link Trade} marked {@code snapshot}, since the venue re-sends them on every subscribe.</li>
 *   <li>{@code ticker} → {@link Ticker}: bid, bid_size, ask, ask_size, last, volume.</li>
 * </ul>
 *
 * <p>Times are epoch milliseconds. Numbers may come in exponent notation; they are read from their text. Stateless
 * and thread-safe.
 */
public final class KrakenFuturesNormalizer implements Normalizer {

    @Override
    public List<MarketEvent> normalize(String feed, String type, byte[] payload) {
        Optional<JsonNode> read = WireFields.object(payload);
        if (read.isEmpty()) {
            return List.of();
        }
        JsonNode message = read.get();
        Optional<String> product = WireFields.text(message.get("product_id"));
        if (product.isEmpty()) {
            return List.of();
        }
        return switch (message.path("feed").asText("")) {
            case "book_snapshot" -> List.of(bookSnapshot(feed, product.get(), message));
            case "book" -> bookDelta(feed, product.get(), message).map(List::of).orElse(List.of());
            case "trade" ->
                trade(feed, product.get(), message, false).map(List::of).orElse(List.of());
            case KrakenFuturesProtocol.TRADE_SNAPSHOT -> tradeSnapshot(feed, product.get(), message);
            case "ticker" -> List.of(ticker(feed, product.get(), message));
            default -> List.of();
        };
    }

    private static MarketEvent bookSnapshot(String feed, String product, JsonNode message) {
        // The docs' example lists bids highest first and asks lowest first, but do not promise it: sorted here.
        return new BookSnapshot(
                feed,
                product,
                WireFields.highestFirst(WireFields.objectLevels(message.get("bids"), "price", "qty")),
                WireFields.lowestFirst(WireFields.objectLevels(message.get("asks"), "price", "qty")),
                WireFields.millisToMicros(message.get("timestamp")));
    }

    /** A level change without a side, price or quantity cannot be placed in the book. */
    private static Optional<MarketEvent> bookDelta(String feed, String product, JsonNode message) {
        Optional<BigDecimal> price = WireFields.decimal(message.get("price"));
        Optional<BigDecimal> qty = WireFields.decimal(message.get("qty"));
        String side = message.path("side").asText("");
        if (price.isEmpty() || qty.isEmpty() || !(side.equals("buy") || side.equals("sell"))) {
            return Optional.empty();
        }
        List<Level> level = List.of(new Level(price.get(), qty.get()));
        boolean bid = side.equals("buy");
        return Optional.of(new BookDelta(
                feed,
                product,
                bid ? level : List.of(),
                bid ? List.of() : level,
                false,
                WireFields.millisToMicros(message.get("timestamp"))));
    }

    private static List<MarketEvent> tradeSnapshot(String feed, String product, JsonNode message) {
        JsonNode trades = message.get("trades");
        if (trades == null || !trades.isArray()) {
            return List.of();
        }
        List<MarketEvent> events = new ArrayList<>(trades.size());
        for (JsonNode trade : trades) {
            String own = WireFields.text(trade.get("product_id")).orElse(product);
            trade(feed, own, trade, true).ifPresent(events::add);
        }
        return events;
    }

    /** A trade without a readable price or quantity says nothing usable; any other missing field is left empty. */
    private static Optional<MarketEvent> trade(String feed, String product, JsonNode trade, boolean snapshot) {
        Optional<BigDecimal> price = WireFields.decimal(trade.get("price"));
        Optional<BigDecimal> qty = WireFields.decimal(trade.get("qty"));
        if (price.isEmpty() || qty.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Trade(
                feed,
                product,
                price.get(),
                qty.get(),
                WireFields.side(trade.get("side"), "buy", "sell"),
                WireFields.text(trade.get("uid")),
                WireFields.millisToMicros(trade.get("time")),
                snapshot));
    }

    private static MarketEvent ticker(String feed, String product, JsonNode message) {
        return new Ticker(
                feed,
                product,
                WireFields.decimal(message.get("bid")),
                WireFields.decimal(message.get("bid_size")),
                WireFields.decimal(message.get("ask")),
                WireFields.decimal(message.get("ask_size")),
                WireFields.decimal(message.get("last")),
                WireFields.decimal(message.get("volume")),
                WireFields.millisToMicros(message.get("time")));
    }
}
