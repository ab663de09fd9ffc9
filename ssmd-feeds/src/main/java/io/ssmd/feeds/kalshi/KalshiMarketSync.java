package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.feeds.MarketSync;
import io.ssmd.feeds.SyncJson;
import io.ssmd.feeds.VenueRest;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Kalshi's markets for the security master (PROTOCOLS.md §1.12): the series ({@code GET /series}, for their category
 * and title), then the events with their markets nested ({@code GET /events?with_nested_markets=true}) that are open,
 * and those closed or settled with a market closing within {@code closed-within} ({@code min_close_ts}), every
 * listing followed by its cursor. Requests are retried by {@link VenueRest} (429 with {@code Retry-After}). A market
 * takes its event's category, else its own, else its series'. Without {@code /events} (404) the same statuses are
 * read from {@code GET /markets}. The feed's {@code series} selection, when set, narrows the sync to those series.
 *
 * <p>Statuses: {@code initialized} is upcoming, {@code active} active, {@code inactive} halted, {@code closed}
 * closed, {@code determined}, {@code disputed}, {@code amended}, {@code finalized} and {@code settled} settled.
 */
public final class KalshiMarketSync implements MarketSync {

    /** What each query status asks for; closed and settled ones are limited to the window. */
    private static final List<String> QUERIES = List.of("open", "closed", "settled");

    private final String feed;
    private final URI base;
    private final VenueRest rest;
    private final List<String> series;

    KalshiMarketSync(EnabledFeed feed, VenueRest rest) {
        this.feed = feed.name();
        this.base = feed.definition()
                .endpoints()
                .discoveryBase()
                .orElseThrow(() -> new IllegalArgumentException(
                        feed.definition().file() + ": endpoints.rest is needed to sync Kalshi's markets"));
        this.rest = rest;
        this.series = feed.series();
    }

    @Override
    public Fetched fetch(Consumer<String> progress) throws InterruptedException {
        Instant now = Instant.now();
        Instant cutoff = now.minus(rest.settings().closedWithin());
        Map<String, JsonNode> seriesByTicker = series(progress);
        Map<String, MarketRecord> markets = new LinkedHashMap<>();
        List<Optional<String>> selected = series.isEmpty()
                ? List.of(Optional.empty())
                : series.stream().map(Optional::of).toList();
        boolean events = true;
        for (String status : QUERIES) {
            for (Optional<String> one : selected) {
                if (events) {
                    events = pages("events", status, one, cutoff, progress, markets, seriesByTicker);
                }
                if (!events) {
                    pages("markets", status, one, cutoff, progress, markets, seriesByTicker);
                }
            }
        }
        progress.accept(feed + ": " + markets.size() + " markets (" + rest.requests() + " requests, " + rest.retries()
                + " retried)");
        return new Fetched(new ArrayList<>(markets.values()), true);
    }

    /** Every series by ticker; empty when the server has no {@code /series}. */
    private Map<String, JsonNode> series(Consumer<String> progress) throws InterruptedException {
        Map<String, JsonNode> bySeries = new HashMap<>();
        String cursor = "";
        do {
            String query = "?limit=" + rest.settings().pageLimit()
                    + (cursor.isEmpty() ? "" : "&cursor=" + VenueRest.encode(cursor));
            Optional<JsonNode> page = rest.get(VenueRest.resolve(base, "/series" + query), true);
            if (page.isEmpty()) {
                return bySeries;
            }
            page.get().path("series").forEach(s -> bySeries.put(s.path("ticker").asText(""), s));
            cursor = page.get().path("cursor").asText("");
        } while (!cursor.isEmpty());
        progress.accept(feed + ": " + bySeries.size() + " series");
        return bySeries;
    }

    /** Reads one listing for one status; false when the server has no such listing (404 on its first page). */
    private boolean pages(
            String listing,
            String status,
            Optional<String> oneSeries,
            Instant cutoff,
            Consumer<String> progress,
            Map<String, MarketRecord> into,
            Map<String, JsonNode> seriesByTicker)
            throws InterruptedException {
        String cursor = "";
        boolean first = true;
        int page = 0;
        do {
            StringBuilder query = new StringBuilder("?status=")
                    .append(status)
                    .append("&limit=")
                    .append(rest.settings().pageLimit());
            if (listing.equals("events")) {
                query.append("&with_nested_markets=true");
            }
            if (!status.equals("open")) {
                query.append("&min_close_ts=").append(cutoff.getEpochSecond());
            }
            oneSeries.ifPresent(s -> query.append("&series_ticker=").append(VenueRest.encode(s)));
            if (!cursor.isEmpty()) {
                query.append("&cursor=").append(VenueRest.encode(cursor));
            }
            Optional<JsonNode> body = rest.get(VenueRest.resolve(base, "/" + listing + query), first);
            if (body.isEmpty()) {
                return false;
            }
            if (listing.equals("events")) {
                for (JsonNode event : body.get().path("events")) {
                    for (JsonNode market : event.path("markets")) {
                        add(market, event, cutoff, into, seriesByTicker);
                    }
                }
            } else {
                for (JsonNode market : body.get().path("markets")) {
                    add(market, null, cutoff, into, seriesByTicker);
                }
            }
            cursor = body.get().path("cursor").asText("");
            first = false;
            page++;
            progress.accept(feed + ": " + listing + " status=" + status + " page " + page + ", " + into.size()
                    + " markets so far");
        } while (!cursor.isEmpty());
        return true;
    }

    private void add(
            JsonNode market,
            JsonNode event,
            Instant cutoff,
            Map<String, MarketRecord> into,
            Map<String, JsonNode> seriesByTicker) {
        String ticker = SyncJson.text(market, "ticker");
        if (ticker == null) {
            return;
        }
        MarketRecord record = record(feed, market, event, seriesByTicker);
        Instant close = record.closeTime();
        if (record.ended() && close != null && close.isBefore(cutoff)) {
            return;
        }
        into.put(ticker, record);
    }

    /** One Kalshi market object (and its event, when nested) as a security-master row. */
    static MarketRecord record(String feed, JsonNode m, JsonNode event, Map<String, JsonNode> seriesByTicker) {
        String eventTicker = SyncJson.text(m, "event_ticker");
        String seriesTicker = event == null ? SyncJson.text(m, "series_ticker") : SyncJson.text(event, "series_ticker");
        if (seriesTicker == null && eventTicker != null) {
            int dash = eventTicker.indexOf('-');
            seriesTicker = dash < 0 ? eventTicker : eventTicker.substring(0, dash);
        }
        JsonNode series = seriesTicker == null ? null : seriesByTicker.get(seriesTicker);
        String category = event == null ? null : SyncJson.text(event, "category");
        if (category == null) {
            category = SyncJson.text(m, "category");
        }
        if (category == null && series != null) {
            category = SyncJson.text(series, "category");
        }
        String venueStatus = SyncJson.text(m, "status");
        String status = status(venueStatus);
        boolean fractional = m.path("fractional_trading_enabled").asBoolean(false);
        String tick = tick(m);
        String result = SyncJson.text(m, "result");
        Instant settledAt = SyncJson.instant(m, "settlement_ts");
        Map<String, Object> rules = new LinkedHashMap<>();
        putIfPresent(rules, "market_type", m.get("market_type"));
        putIfPresent(rules, "price_level_structure", m.get("price_level_structure"));
        putIfPresent(rules, "price_ranges", m.get("price_ranges"));
        rules.put("fractional_trading_enabled", fractional);
        putIfPresent(rules, "can_close_early", m.get("can_close_early"));
        putIfPresent(rules, "notional_value_dollars", m.get("notional_value_dollars"));
        String timer = SyncJson.text(m, "settlement_timer_seconds");
        if (timer != null) {
            // A string in the real capture, an integer in the OpenAPI: stored as a number either way.
            rules.put("settlement_timer_seconds", new BigDecimal(timer));
        }
        return new MarketRecord(
                feed,
                SyncJson.text(m, "ticker"),
                Optional.ofNullable(SyncJson.text(m, "market_id")).orElse(SyncJson.text(m, "id")),
                List.of(),
                SyncJson.text(m, "title"),
                category,
                seriesTicker,
                eventTicker,
                status,
                venueStatus,
                SyncJson.instant(m, "open_time"),
                SyncJson.instant(m, "close_time"),
                Optional.ofNullable(SyncJson.instant(m, "expiration_time"))
                        .orElse(SyncJson.instant(m, "latest_expiration_time")),
                SyncJson.instant(m, "expected_expiration_time"),
                result,
                settledAt,
                tick,
                fractional ? "0.01" : "1",
                SyncJson.decimals(tick),
                fractional ? 2 : 0,
                SyncJson.sorted(rules),
                SyncJson.without(m, KalshiMarketSync::quote));
    }

    private static void putIfPresent(Map<String, Object> rules, String key, JsonNode value) {
        if (value != null && !value.isNull()) {
            rules.put(key, value);
        }
    }

    /** Prices, sizes and volumes: they change all day and belong to market data, not to the security master. */
    private static boolean quote(String field) {
        return (field.endsWith("_dollars")
                        && !field.equals("notional_value_dollars")
                        && !field.equals("settlement_value_dollars"))
                || field.endsWith("_fp")
                || field.equals("updated_time");
    }

    /** The finest step of {@code price_ranges}, else the one {@code price_level_structure} names. */
    static String tick(JsonNode m) {
        BigDecimal finest = null;
        for (JsonNode range : m.path("price_ranges")) {
            String step = SyncJson.text(range, "step");
            if (step != null) {
                BigDecimal s = new BigDecimal(step);
                if (s.signum() > 0 && (finest == null || s.compareTo(finest) < 0)) {
                    finest = s;
                }
            }
        }
        if (finest != null) {
            return finest.stripTrailingZeros().toPlainString();
        }
        String structure = SyncJson.text(m, "price_level_structure");
        if (structure == null) {
            return null;
        }
        return structure.equals("linear_cent") ? "0.01" : "0.001";
    }

    /** ssmd's status of a Kalshi market status. */
    static String status(String venue) {
        if (venue == null) {
            return MarketRecord.ACTIVE;
        }
        return switch (venue) {
            case "initialized", "unopened" -> MarketRecord.UPCOMING;
            case "active", "open" -> MarketRecord.ACTIVE;
            case "inactive", "paused" -> MarketRecord.HALTED;
            case "closed" -> MarketRecord.CLOSED;
            case "determined", "disputed", "amended", "finalized", "settled" -> MarketRecord.SETTLED;
            default -> MarketRecord.HALTED;
        };
    }
}
