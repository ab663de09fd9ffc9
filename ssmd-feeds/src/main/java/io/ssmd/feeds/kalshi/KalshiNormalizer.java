package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.Lifecycle;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.Side;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import io.ssmd.feeds.WireFields;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Normalizes Kalshi v2 messages as {@link KalshiDecoder} publishes them, each a whole frame about one market
 * (exchanges/PROTOCOLS.md §1.6–1.10). Every price is in YES terms, in dollars.
 *
 * <ul>
 *   <li>{@code orderbook_snapshot} → {@link BookSnapshot}. Kalshi's {@code yes} and {@code no} arrays are BOTH bids;
 *       normalized, bids are the YES bids and asks are the NO bids seen from the YES side: a NO bid at {@code p} is a
 *       YES ask at {@code 1 − p}, same size.</li>
 *   <li>{@code orderbook_delta} → an incremental {@link BookDelta} of one level (signed {@code delta_fp}; a {@code yes}
 *       change is a bid at its price, a {@code no} change an ask at {@code 1 − price}).</li>
 *   <li>{@code ticker} → {@link Ticker} (YES bid/ask and sizes, last price, volume); {@code trade} → {@link Trade}
 *       at the YES price; {@code market_lifecycle_v2} → {@link Lifecycle} named by its {@code event_type};
 *       {@code event_lifecycle} → {@link Lifecycle} of the event ticker.</li>
 *   <li>{@code fill} gives nothing: it is the account's own execution, not market data for clients.</li>
 * </ul>
 *
 * <p>Both schemas are read: the dollar strings and {@code _fp} counts of any precision, and the integer cents and
 * counts that were removed on 2026-03-12 but fill older archives (used only when the new field is absent; cents are
 * divided by 100). A changed or missing field leaves that field empty. Stateless and thread-safe.
 */
public final class KalshiNormalizer implements Normalizer {

    private static final Set<String> NOT_LIFECYCLE_DETAILS =
            Set.of("market_ticker", "event_type", "additional_metadata", "price_ranges");
    private static final Set<String> NOT_EVENT_DETAILS = Set.of("event_ticker");

    @Override
    public List<MarketEvent> normalize(String feed, String type, byte[] payload) {
        Optional<JsonNode> read = WireFields.object(payload);
        if (read.isEmpty()) {
            return List.of();
        }
        JsonNode root = read.get();
        JsonNode msg = root.get("msg");
        if (msg == null || !msg.isObject()) {
            return List.of();
        }
        long ts = time(root, msg);
        if (root.path("type").asText("").equals("event_lifecycle")) {
            return eventLifecycle(feed, msg, ts);
        }
        Optional<String> ticker = WireFields.text(msg.get("market_ticker"));
        if (ticker.isEmpty()) {
            return List.of();
        }
        String market = ticker.get();
        return switch (root.path("type").asText("")) {
            case "orderbook_snapshot" -> List.of(snapshot(feed, market, msg, ts));
            case "orderbook_delta" -> delta(feed, market, msg, ts);
            case "ticker" -> List.of(ticker(feed, market, msg, ts));
            case "trade" -> trade(feed, market, msg, ts);
            case "market_lifecycle_v2" -> List.of(lifecycle(feed, market, msg, ts));
            default -> List.of();
        };
    }

    /**
     * The venue's time for the message in microseconds: the RFC 3339 {@code ts} (deltas) or {@code time} (tickers),
     * which carry microseconds; else {@code ts_ms}; else {@code ts} in whole seconds (tickers, trades); else when Kalshi
     * queued the frame ({@code sending_ts_ms}); else 0.
     */
    private static long time(JsonNode root, JsonNode msg) {
        JsonNode ts = msg.get("ts");
        if (ts != null && ts.isTextual()) {
            long micros = WireFields.rfc3339ToMicros(ts);
            if (micros != 0) {
                return micros;
            }
        }
        long micros = WireFields.rfc3339ToMicros(msg.get("time"));
        if (micros == 0) {
            micros = WireFields.millisToMicros(msg.get("ts_ms"));
        }
        if (micros == 0 && ts != null && ts.isNumber()) {
            micros = WireFields.secondsToMicros(ts);
        }
        return micros != 0 ? micros : WireFields.millisToMicros(root.get("sending_ts_ms"));
    }

    private static MarketEvent snapshot(String feed, String market, JsonNode msg, long ts) {
        List<Level> yes = side(msg, "yes");
        List<Level> no = side(msg, "no");
        List<Level> asks = new ArrayList<>(no.size());
        for (Level level : no) {
            asks.add(new Level(yesPrice(level.price()), level.size()));
        }
        return new BookSnapshot(feed, market, WireFields.highestFirst(yes), WireFields.lowestFirst(asks), ts);
    }

    /**
     * One side's bids from the newest field present: {@code yes_dollars_fp} ({@code [["0.0800","300.00"]]}), else the
     * transitional {@code yes_dollars} ({@code [["0.080",300]]}), else the legacy {@code yes} in cents
     * ({@code [[8,300]]}). A side with no resting orders has no key at all: empty.
     */
    private static List<Level> side(JsonNode msg, String side) {
        if (msg.path(side + "_dollars_fp").isArray()) {
            return pairs(msg.get(side + "_dollars_fp"), false);
        }
        if (msg.path(side + "_dollars").isArray()) {
            return pairs(msg.get(side + "_dollars"), false);
        }
        return pairs(msg.get(side), true);
    }

    private static List<Level> pairs(JsonNode array, boolean cents) {
        if (array == null || !array.isArray()) {
            return List.of();
        }
        List<Level> levels = new ArrayList<>(array.size());
        for (JsonNode pair : array) {
            Optional<BigDecimal> price = KalshiNumbers.decimal(pair.get(0));
            Optional<BigDecimal> size = KalshiNumbers.decimal(pair.get(1));
            if (price.isPresent() && size.isPresent()) {
                levels.add(new Level(cents ? price.get().movePointLeft(2) : price.get(), size.get()));
            }
        }
        return levels;
    }

    /** A NO price as the YES price of the other side of the same contract: {@code 1 − p}, keeping p's scale. */
    private static BigDecimal yesPrice(BigDecimal noPrice) {
        return BigDecimal.ONE.subtract(noPrice);
    }

    private static List<MarketEvent> delta(String feed, String market, JsonNode msg, long ts) {
        Optional<BigDecimal> price = KalshiNumbers.dollars(msg, "price_dollars", "price");
        Optional<BigDecimal> change = KalshiNumbers.decimal(msg.get("delta_fp"));
        if (change.isEmpty()) {
            change = KalshiNumbers.decimal(msg.get("delta"));
        }
        String side = msg.path("side").asText("");
        if (price.isEmpty() || change.isEmpty() || !(side.equals("yes") || side.equals("no"))) {
            return List.of();
        }
        if (side.equals("yes")) {
            return List.of(
                    new BookDelta(feed, market, List.of(new Level(price.get(), change.get())), List.of(), true, ts));
        }
        return List.of(new BookDelta(
                feed, market, List.of(), List.of(new Level(yesPrice(price.get()), change.get())), true, ts));
    }

    private static MarketEvent ticker(String feed, String market, JsonNode msg, long ts) {
        Optional<BigDecimal> volume = KalshiNumbers.decimal(msg.get("volume_fp"));
        return new Ticker(
                feed,
                market,
                KalshiNumbers.dollars(msg, "yes_bid_dollars", "yes_bid"),
                KalshiNumbers.decimal(msg.get("yes_bid_size_fp")),
                KalshiNumbers.dollars(msg, "yes_ask_dollars", "yes_ask"),
                KalshiNumbers.decimal(msg.get("yes_ask_size_fp")),
                KalshiNumbers.dollars(msg, "price_dollars", "price"),
                volume.isPresent() ? volume : KalshiNumbers.decimal(msg.get("volume")),
                ts);
    }

    private static List<MarketEvent> trade(String feed, String market, JsonNode msg, long ts) {
        Optional<BigDecimal> price = KalshiNumbers.dollars(msg, "yes_price_dollars", "yes_price");
        Optional<BigDecimal> count = KalshiNumbers.decimal(msg.get("count_fp"));
        if (count.isEmpty()) {
            count = KalshiNumbers.decimal(msg.get("count"));
        }
        if (price.isEmpty() || count.isEmpty()) {
            return List.of();
        }
        return List.of(new Trade(
                feed,
                market,
                price.get(),
                count.get(),
                takerSide(msg),
                WireFields.text(msg.get("trade_id")),
                ts,
                false));
    }

    /**
     * The taker's side in YES terms: {@code taker_book_side} ({@code bid} ≡ bought YES), else
     * {@code taker_outcome_side}, else the deprecated {@code taker_side} ({@code yes} bought YES, {@code no} bought
     * NO, which is selling YES).
     */
    private static Side takerSide(JsonNode msg) {
        String book = msg.path("taker_book_side").asText("");
        if (book.equals("bid") || book.equals("ask")) {
            return book.equals("bid") ? Side.BUY : Side.SELL;
        }
        String outcome =
                msg.path("taker_outcome_side").asText(msg.path("taker_side").asText(""));
        return switch (outcome) {
            case "yes" -> Side.BUY;
            case "no" -> Side.SELL;
            default -> Side.UNKNOWN;
        };
    }

    /**
     * The event under its {@code event_type}; details are the message's scalar fields (result, close_ts,
     * settlement_value, ...) and those of {@code additional_metadata} on {@code created}.
     */
    private static MarketEvent lifecycle(String feed, String market, JsonNode msg, long ts) {
        String event = WireFields.text(msg.get("event_type")).orElse("updated");
        Map<String, String> details = WireFields.scalars(msg, NOT_LIFECYCLE_DETAILS);
        WireFields.scalars(msg.get("additional_metadata"), Set.of()).forEach(details::putIfAbsent);
        long when = ts;
        if (when == 0) {
            // No frame time: a determination or settlement says when it happened, in seconds.
            when = WireFields.secondsToMicros(msg.get(event.equals("settled") ? "settled_ts" : "determination_ts"));
        }
        return new Lifecycle(feed, market, event, details, when);
    }

    private static List<MarketEvent> eventLifecycle(String feed, JsonNode msg, long ts) {
        return WireFields.text(msg.get("event_ticker"))
                .map(event -> List.<MarketEvent>of(
                        new Lifecycle(feed, event, "event_lifecycle", WireFields.scalars(msg, NOT_EVENT_DETAILS), ts)))
                .orElse(List.of());
    }
}
