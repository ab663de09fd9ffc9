package io.ssmd.feeds.polymarket;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.Lifecycle;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.feeds.WireFields;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Normalizes Polymarket market-channel events as {@link PolymarketDecoder} publishes them, one event per message
 * (exchanges/PROTOCOLS.md §4). The instrument is the asset (outcome token) id; events about a whole market
 * ({@code new_market}, {@code market_resolved}) give one event per asset, so a client following an outcome sees them.
 *
 * <ul>
 *   <li>{@code book} → {@link BookSnapshot}. The venue lists each side with its best level LAST (bids ascending,
 *       asks descending); normalized books are best first, so the sides are sorted, which also copes with the odd
 *       frame that lists them the other way.</li>
 *   <li>{@code price_change} → one absolute {@link BookDelta} per asset it touches ({@code size} is the level's new
 *       size, {@code BUY} a bid, {@code SELL} an ask); the retired schemas ({@code price_change_v0}: one flat change,
 *       {@code price_change_v1}: {@code changes} of one asset) are read too.</li>
 *   <li>{@code last_trade_price} → {@link Trade}, side the taker's; no trade id (a {@code transaction_hash} names
 *       an on-chain settlement, which can carry several fills, so it cannot tell trades apart).</li>
 *   <li>{@code best_bid_ask} → {@link Ticker} (prices only: the venue sends no sizes).</li>
 *   <li>{@code tick_size_change}, {@code new_market}, {@code market_resolved} → {@link Lifecycle} under their venue
 *       names, with the other scalar fields as details.</li>
 * </ul>
 *
 * <p>All numbers are strings; times are millisecond strings. Stateless and thread-safe.
 */
public final class PolymarketNormalizer implements Normalizer {

    private static final Set<String> NOT_DETAILS = Set.of("event_type", "asset_id", "timestamp");

    /** The subject types of the events that give books: the venue's own names, not {@code orderbook}. */
    static final Set<String> BOOK_TYPES = Set.of("book", "price_change", "price_change_v0", "price_change_v1");

    @Override
    public Set<String> bookTypes() {
        return BOOK_TYPES;
    }

    @Override
    public List<MarketEvent> normalize(String feed, String type, byte[] payload) {
        Optional<JsonNode> read = WireFields.object(payload);
        if (read.isEmpty()) {
            return List.of();
        }
        JsonNode event = read.get();
        long ts = WireFields.millisToMicros(event.get("timestamp"));
        return switch (kind(event, type)) {
            case "book" -> book(feed, event, ts);
            case "price_change", "price_change_v0", "price_change_v1" -> priceChange(feed, event, ts);
            case "last_trade_price" -> trade(feed, event, ts);
            case "best_bid_ask" -> ticker(feed, event, ts);
            case "tick_size_change" -> tickSize(feed, event, ts);
            case "new_market", "market_resolved" -> perAsset(feed, event, ts);
            default -> List.of();
        };
    }

    /**
     * The event's own {@code event_type}; a book-shaped event without one (early and re-serialized snapshots) is a
     * book; else the subject's type.
     */
    private static String kind(JsonNode event, String type) {
        Optional<String> eventType = WireFields.text(event.get("event_type"));
        if (eventType.isPresent()) {
            return eventType.get();
        }
        if (event.has("asset_id")
                && (event.path("bids").isArray() || event.path("asks").isArray())) {
            return "book";
        }
        return type;
    }

    private static List<MarketEvent> book(String feed, JsonNode event, long ts) {
        Optional<String> asset = WireFields.text(event.get("asset_id"));
        if (asset.isEmpty()) {
            return List.of();
        }
        List<Level> bids = WireFields.objectLevels(event.get("bids"), "price", "size");
        List<Level> asks = WireFields.objectLevels(event.get("asks"), "price", "size");
        return List.of(
                new BookSnapshot(feed, asset.get(), WireFields.highestFirst(bids), WireFields.lowestFirst(asks), ts));
    }

    /** The changes of every schema, grouped by asset in the order the venue listed them. */
    private static List<MarketEvent> priceChange(String feed, JsonNode event, long ts) {
        Map<String, Sides> byAsset = new LinkedHashMap<>();
        Optional<String> asset = WireFields.text(event.get("asset_id"));
        if (event.path("price_changes").isArray()) {
            for (JsonNode change : event.get("price_changes")) {
                WireFields.text(change.get("asset_id"))
                        .ifPresent(a ->
                                byAsset.computeIfAbsent(a, x -> new Sides()).add(change));
            }
        } else if (asset.isPresent() && event.path("changes").isArray()) {
            Sides sides = byAsset.computeIfAbsent(asset.get(), x -> new Sides());
            event.get("changes").forEach(sides::add);
        } else if (asset.isPresent()) {
            byAsset.computeIfAbsent(asset.get(), x -> new Sides()).add(event);
        }
        List<MarketEvent> deltas = new ArrayList<>(byAsset.size());
        byAsset.forEach((id, sides) -> {
            if (!sides.bids.isEmpty() || !sides.asks.isEmpty()) {
                deltas.add(new BookDelta(feed, id, sides.bids, sides.asks, false, ts));
            }
        });
        return deltas;
    }

    /** One asset's changed levels; a change without a readable price, size or side is left out. */
    private static final class Sides {
        final List<Level> bids = new ArrayList<>();
        final List<Level> asks = new ArrayList<>();

        void add(JsonNode change) {
            Optional<BigDecimal> price = WireFields.decimal(change.get("price"));
            Optional<BigDecimal> size = WireFields.decimal(change.get("size"));
            if (price.isEmpty() || size.isEmpty()) {
                return;
            }
            switch (change.path("side").asText("")) {
                case "BUY" -> bids.add(new Level(price.get(), size.get()));
                case "SELL" -> asks.add(new Level(price.get(), size.get()));
                default -> {
                    // Neither side: the level cannot be placed.
                }
            }
        }
    }

    private static List<MarketEvent> trade(String feed, JsonNode event, long ts) {
        Optional<String> asset = WireFields.text(event.get("asset_id"));
        Optional<BigDecimal> price = WireFields.decimal(event.get("price"));
        Optional<BigDecimal> size = WireFields.decimal(event.get("size"));
        if (asset.isEmpty() || price.isEmpty() || size.isEmpty()) {
            return List.of();
        }
        return List.of(new Trade(
                feed,
                asset.get(),
                price.get(),
                size.get(),
                WireFields.side(event.get("side"), "BUY", "SELL"),
                Optional.empty(),
                ts,
                false));
    }

    private static List<MarketEvent> ticker(String feed, JsonNode event, long ts) {
        Optional<String> asset = WireFields.text(event.get("asset_id"));
        if (asset.isEmpty()) {
            return List.of();
        }
        return List.of(new Ticker(
                feed,
                asset.get(),
                WireFields.decimal(event.get("best_bid")),
                Optional.empty(),
                WireFields.decimal(event.get("best_ask")),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                ts));
    }

    private static List<MarketEvent> tickSize(String feed, JsonNode event, long ts) {
        Optional<String> asset = WireFields.text(event.get("asset_id"));
        if (asset.isEmpty()) {
            return List.of();
        }
        return List.of(
                new Lifecycle(feed, asset.get(), "tick_size_change", WireFields.scalars(event, NOT_DETAILS), ts));
    }

    /**
     * One lifecycle event per asset of the market ({@code assets_ids}, else {@code clob_token_ids}), with that
     * asset's {@code outcome} and, on resolution, whether it {@code won}; the market itself when no asset is named.
     */
    private static List<MarketEvent> perAsset(String feed, JsonNode event, long ts) {
        String name = event.path("event_type").asText("");
        if (name.isEmpty()) {
            return List.of();
        }
        Map<String, String> details = WireFields.scalars(event, NOT_DETAILS);
        List<String> assets =
                texts(event.path("assets_ids").isArray() ? event.get("assets_ids") : event.get("clob_token_ids"));
        if (assets.isEmpty()) {
            Optional<String> market = WireFields.text(event.get("market"));
            return market.map(m -> List.<MarketEvent>of(new Lifecycle(feed, m, name, details, ts)))
                    .orElse(List.of());
        }
        List<String> outcomes = texts(event.get("outcomes"));
        Optional<String> winner = WireFields.text(event.get("winning_asset_id"));
        List<MarketEvent> events = new ArrayList<>(assets.size());
        for (int i = 0; i < assets.size(); i++) {
            Map<String, String> own = new LinkedHashMap<>(details);
            if (i < outcomes.size()) {
                own.put("outcome", outcomes.get(i));
            }
            String asset = assets.get(i);
            winner.ifPresent(w -> own.put("won", Boolean.toString(w.equals(asset))));
            events.add(new Lifecycle(feed, asset, name, own, ts));
        }
        return events;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(element -> WireFields.text(element).ifPresent(texts::add));
        }
        return texts;
    }
}
