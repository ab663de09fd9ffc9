package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiProtocol.count;
import static io.ssmd.feeds.kalshi.KalshiProtocol.dollars;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.feeds.kalshi.replay.KalshiMarketCatalog.Market;
import io.ssmd.feeds.kalshi.replay.KalshiSyntheticBook.Side;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Kalshi's public market discovery (PROTOCOLS.md §1.12) over the synthetic universe, no auth:
 * <ul>
 *   <li>{@code GET /trade-api/v2/markets}: {@code limit} (1–1000, default 100), {@code cursor} (opaque; empty
 *       in the answer when there is no more), {@code status} (comma list of {@code unopened}, {@code open},
 *       {@code closed}, {@code settled}), {@code series_ticker}, {@code event_ticker}, {@code tickers} (comma
 *       list); answers {@code {"cursor":"...","markets":[...]}};</li>
 *   <li>{@code GET /trade-api/v2/markets/{ticker}}: {@code {"market":{...}}};</li>
 *   <li>{@code GET /trade-api/v2/markets/{ticker}/orderbook}: {@code {"orderbook_fp":{"no_dollars","yes_dollars"}}};
 *   </li>
 *   <li>{@code GET /trade-api/v2/events}: events (markets grouped by event ticker) with {@code limit},
 *       {@code cursor}, {@code status} (an event is open while one of its markets is), {@code series_ticker} and
 *       {@code with_nested_markets}, answering {@code {"cursor":"...","events":[{...,"category","markets":[...]}]}};
 *       discovery reads each market's category from its event here;</li>
 *   <li>{@code GET /trade-api/v2/events/{event_ticker}}: {@code {"event":{...},"markets":[...]}}.</li>
 * </ul>
 * Market objects have the fields of the real sample in its (alphabetical) order; prices and sizes are the book
 * every WebSocket session starts from.
 */
final class KalshiMarketsRoute extends AllDirectives {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Query statuses name a market's phase; responses use Kalshi's finer states ("open" answers "active"). */
    private static final Map<String, Set<String>> STATUSES = Map.of(
            "unopened", Set.of("initialized", "inactive"),
            "open", Set.of("active"),
            "closed", Set.of("closed"),
            "settled", Set.of("determined", "disputed", "amended", "finalized", "settled"));

    private final KalshiMarketCatalog catalog;

    KalshiMarketsRoute(KalshiMarketCatalog catalog) {
        this.catalog = catalog;
    }

    Route route() {
        return pathPrefix(
                PathMatchers.segment("trade-api").slash("v2"),
                () -> get(() -> concat(
                        pathPrefix(
                                "markets",
                                () -> concat(
                                        pathEndOrSingleSlash(() -> parameterMap(this::list)),
                                        path(PathMatchers.segment(), this::market),
                                        path(PathMatchers.segment().slash("orderbook"), this::orderbook))),
                        path("series", () -> parameterMap(this::series)),
                        pathPrefix(
                                "events",
                                () -> concat(
                                        pathEndOrSingleSlash(() -> parameterMap(this::events)),
                                        path(PathMatchers.segment(), this::event))))));
    }

    /** The query's page: its limit and where its cursor starts; a 400 route when either is wrong. */
    private record Page(int limit, int start, Route refusal) {}

    private Page page(Map<String, String> query) {
        int limit;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", Integer.toString(DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            return new Page(
                    0, 0, error(StatusCodes.BAD_REQUEST, "limit must be a whole number from 1 to " + MAX_LIMIT));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return new Page(
                    0, 0, error(StatusCodes.BAD_REQUEST, "limit must be from 1 to " + MAX_LIMIT + ", got " + limit));
        }
        try {
            return new Page(limit, decodeCursor(query.getOrDefault("cursor", "")), null);
        } catch (IllegalArgumentException e) {
            return new Page(0, 0, error(StatusCodes.BAD_REQUEST, "invalid cursor"));
        }
    }

    /** The markets whose status a query's {@code status} names (all without one); null for an unknown status. */
    private static Predicate<Market> statusFilter(String status) {
        if (status == null || status.isEmpty()) {
            return m -> true;
        }
        Set<String> wanted = Arrays.stream(status.split(",")).map(String::trim).collect(Collectors.toSet());
        if (!STATUSES.keySet().containsAll(wanted)) {
            return null;
        }
        return m -> wanted.stream().anyMatch(s -> STATUSES.get(s).contains(m.status()));
    }

    private Route list(Map<String, String> query) {
        Page page = page(query);
        if (page.refusal() != null) {
            return page.refusal();
        }
        int limit = page.limit();
        int start = page.start();
        Predicate<Market> filter = statusFilter(query.get("status"));
        if (filter == null) {
            return error(
                    StatusCodes.BAD_REQUEST,
                    "status must be among " + STATUSES.keySet() + ", got " + query.get("status"));
        }
        filter = filter.and(equalsIfGiven(query.get("series_ticker"), Market::seriesTicker));
        filter = filter.and(equalsIfGiven(query.get("event_ticker"), Market::eventTicker));
        filter = filter.and(closingFrom(query.get("min_close_ts")));
        String tickers = query.getOrDefault("tickers", "");
        if (!tickers.isEmpty()) {
            Set<String> wanted = Set.of(tickers.split(","));
            filter = filter.and(m -> wanted.contains(m.ticker()));
        }
        List<Market> matching = catalog.markets().stream().filter(filter).toList();
        int end = Math.min(matching.size(), start + limit);
        ObjectNode body = JSON.createObjectNode();
        body.put("cursor", end < matching.size() ? encodeCursor(end) : "");
        ArrayNode markets = body.putArray("markets");
        matching.subList(Math.min(start, end), end).forEach(m -> markets.add(json(m)));
        return json(StatusCodes.OK, body);
    }

    /** Events in order of their first market; an event matches a status when one of its markets does. */
    private Route events(Map<String, String> query) {
        Page page = page(query);
        if (page.refusal() != null) {
            return page.refusal();
        }
        Predicate<Market> status = statusFilter(query.get("status"));
        if (status == null) {
            return error(
                    StatusCodes.BAD_REQUEST,
                    "status must be among " + STATUSES.keySet() + ", got " + query.get("status"));
        }
        Predicate<Market> series = equalsIfGiven(query.get("series_ticker"), Market::seriesTicker)
                .and(closingFrom(query.get("min_close_ts")));
        Map<String, List<Market>> byEvent = new LinkedHashMap<>();
        catalog.markets()
                .forEach(m -> byEvent.computeIfAbsent(m.eventTicker(), e -> new ArrayList<>())
                        .add(m));
        List<List<Market>> matching = byEvent.values().stream()
                .filter(ms -> ms.stream().anyMatch(series.and(status)))
                .toList();
        boolean nested = Boolean.parseBoolean(query.getOrDefault("with_nested_markets", "false"));
        int end = Math.min(matching.size(), page.start() + page.limit());
        ObjectNode body = JSON.createObjectNode();
        body.put("cursor", end < matching.size() ? encodeCursor(end) : "");
        ArrayNode events = body.putArray("events");
        matching.subList(Math.min(page.start(), end), end).forEach(ms -> events.add(eventJson(ms, nested)));
        return json(StatusCodes.OK, body);
    }

    private Route event(String eventTicker) {
        List<Market> markets = catalog.markets().stream()
                .filter(m -> m.eventTicker().equals(eventTicker))
                .toList();
        if (markets.isEmpty()) {
            return error(StatusCodes.NOT_FOUND, "event not found: " + eventTicker);
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("event", eventJson(markets, false));
        ArrayNode array = body.putArray("markets");
        markets.forEach(m -> array.add(json(m)));
        return json(StatusCodes.OK, body);
    }

    /** An event object as Kalshi's {@code /events} shows it; its markets nested when asked for. */
    private ObjectNode eventJson(List<Market> markets, boolean nested) {
        Market first = markets.get(0);
        ObjectNode node = JSON.createObjectNode();
        node.put("category", first.category());
        node.put("collateral_return_type", "");
        node.put("event_ticker", first.eventTicker());
        node.put("mutually_exclusive", false);
        node.put("series_ticker", first.seriesTicker());
        node.put("strike_date", first.closeTime().toString());
        node.put("sub_title", first.closeTime().toString().substring(0, 10));
        node.put("title", first.title());
        if (nested) {
            ArrayNode array = node.putArray("markets");
            markets.forEach(m -> array.add(json(m)));
        }
        return node;
    }

    private Route market(String ticker) {
        return catalog.market(ticker)
                .map(m -> {
                    ObjectNode body = JSON.createObjectNode();
                    body.set("market", json(m));
                    return json(StatusCodes.OK, body);
                })
                .orElseGet(() -> error(StatusCodes.NOT_FOUND, "market not found: " + ticker));
    }

    private Route orderbook(String ticker) {
        return catalog.market(ticker)
                .map(m -> {
                    ObjectNode body = JSON.createObjectNode();
                    ObjectNode book = body.putObject("orderbook_fp");
                    levels(book.putArray("no_dollars"), m.book().levels(Side.NO));
                    levels(book.putArray("yes_dollars"), m.book().levels(Side.YES));
                    return json(StatusCodes.OK, body);
                })
                .orElseGet(() -> error(StatusCodes.NOT_FOUND, "market not found: " + ticker));
    }

    private static void levels(ArrayNode array, Map<Integer, Long> levels) {
        levels.forEach((price, size) -> array.addArray().add(dollars(price)).add(count(size)));
    }

    /** A market object as this server answers it now: {@link #marketJson} with the fields set on demand. */
    private ObjectNode json(Market m) {
        ObjectNode node = marketJson(m);
        catalog.overrides(m.ticker()).ifPresent(node::setAll);
        return node;
    }

    /**
     * {@code POST /control/markets/{ticker}} with a JSON object of market-object fields ({@code {"title":"...",
     * "close_time":"2026-12-24T21:00:00Z"}}): the REST answers carry them from now on, so a test can show a sync
     * recording history. 404 for an unknown ticker.
     */
    Route control() {
        return pathPrefix(
                "control",
                () -> path(
                        PathMatchers.segment("markets").slash(PathMatchers.segment()),
                        ticker -> post(() -> entity(
                                org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.entityToString(), text -> {
                                    com.fasterxml.jackson.databind.JsonNode fields;
                                    try {
                                        fields = JSON.readTree(text);
                                    } catch (java.io.IOException e) {
                                        return error(StatusCodes.BAD_REQUEST, "not JSON: " + e.getMessage());
                                    }
                                    if (!(fields instanceof ObjectNode object)) {
                                        return error(
                                                StatusCodes.BAD_REQUEST, "expected a JSON object of market fields");
                                    }
                                    if (!catalog.override(ticker, object)) {
                                        return error(StatusCodes.NOT_FOUND, "market not found: " + ticker);
                                    }
                                    return catalog.market(ticker)
                                            .map(m -> {
                                                ObjectNode body = JSON.createObjectNode();
                                                body.set("market", json(m));
                                                return json(StatusCodes.OK, body);
                                            })
                                            .orElseThrow();
                                }))));
    }

    /** {@code GET /series}: every series of the universe, {@code {"cursor":"...","series":[{ticker,title,category}]}}. */
    private Route series(Map<String, String> query) {
        Page page = page(query);
        if (page.refusal() != null) {
            return page.refusal();
        }
        List<String> all =
                catalog.markets().stream().map(Market::seriesTicker).distinct().toList();
        int end = Math.min(all.size(), page.start() + page.limit());
        ObjectNode body = JSON.createObjectNode();
        body.put("cursor", end < all.size() ? encodeCursor(end) : "");
        ArrayNode array = body.putArray("series");
        for (String ticker : all.subList(Math.min(page.start(), end), end)) {
            String[] known = KalshiMarketCatalog.series(ticker);
            ObjectNode s = array.addObject();
            s.put("category", known[0]);
            s.put("frequency", "daily");
            s.putArray("tags");
            s.put("ticker", ticker);
            s.put("title", known[1]);
        }
        return json(StatusCodes.OK, body);
    }

    /** A market object with the real sample's fields, in its order. */
    static ObjectNode marketJson(Market m) {
        KalshiSyntheticBook book = m.book();
        int yesBid = book.best(Side.YES);
        int yesAsk = book.yesAsk();
        ObjectNode node = JSON.createObjectNode();
        node.put("can_close_early", true);
        node.put("category", m.category());
        node.put("close_time", m.closeTime().toString());
        node.put("created_time", m.openTime().minus(Duration.ofDays(1)).toString());
        node.put("early_close_condition", "This market will close and expire early if the event occurs.");
        node.put("event_ticker", m.eventTicker());
        node.put(
                "expected_expiration_time",
                m.closeTime().plus(Duration.ofMinutes(5)).toString());
        node.put("expiration_time", m.closeTime().plus(Duration.ofDays(7)).toString());
        node.put("expiration_value", "");
        node.put("fractional_trading_enabled", m.fractional());
        node.put("last_price_dollars", dollars(m.lastPrice()));
        node.put(
                "latest_expiration_time", m.closeTime().plus(Duration.ofDays(7)).toString());
        node.put("liquidity_dollars", "0.0000");
        node.put("market_type", "binary");
        node.put("no_ask_dollars", dollars(KalshiSyntheticBook.ONE_DOLLAR - yesBid));
        node.put("no_bid_dollars", dollars(book.best(Side.NO)));
        node.put("no_sub_title", m.yesSubTitle());
        node.put("notional_value_dollars", "1.0000");
        node.put("open_interest_fp", count(m.openInterest()));
        node.put("open_time", m.openTime().toString());
        node.put("previous_price_dollars", dollars(m.lastPrice()));
        node.put("previous_yes_ask_dollars", dollars(yesAsk));
        node.put("previous_yes_bid_dollars", dollars(yesBid));
        node.put("price_level_structure", m.priceLevelStructure());
        node.putArray("price_ranges")
                .addObject()
                .put("end", "1.0000")
                .put("start", "0.0000")
                .put("step", dollars(m.tick()));
        node.put("response_price_units", "usd_cent");
        node.put("result", "");
        node.put("rules_primary", "If " + m.yesSubTitle() + " at close, then the market resolves to Yes.");
        node.put("rules_secondary", "");
        // A string, as in the real capture, although the OpenAPI says integer.
        node.put("settlement_timer_seconds", "1800");
        node.put("status", m.status());
        node.put("ticker", m.ticker());
        node.put("title", m.title());
        node.put("updated_time", m.openTime().toString());
        node.put("volume_24h_fp", count(m.volume() / 10));
        node.put("volume_fp", count(m.volume()));
        node.put("yes_ask_dollars", dollars(yesAsk));
        node.put("yes_ask_size_fp", count(book.bestSize(Side.NO)));
        node.put("yes_bid_dollars", dollars(yesBid));
        node.put("yes_bid_size_fp", count(book.bestSize(Side.YES)));
        node.put("yes_sub_title", m.yesSubTitle());
        return node;
    }

    /** {@code min_close_ts} (Unix seconds): markets closing then or later; all without one. */
    private static Predicate<Market> closingFrom(String minCloseTs) {
        if (minCloseTs == null || minCloseTs.isEmpty()) {
            return m -> true;
        }
        long from;
        try {
            from = Long.parseLong(minCloseTs);
        } catch (NumberFormatException e) {
            return m -> true;
        }
        return m -> m.closeTime().getEpochSecond() >= from;
    }

    private static <T> Predicate<Market> equalsIfGiven(String wanted, Function<Market, T> field) {
        return wanted == null || wanted.isEmpty() ? m -> true : m -> wanted.equals(field.apply(m));
    }

    /** Opaque to clients, as Kalshi's are; here it is just the next index. */
    static String encodeCursor(int index) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("m:" + index).getBytes(StandardCharsets.US_ASCII));
    }

    private static int decodeCursor(String cursor) {
        if (cursor.isEmpty()) {
            return 0;
        }
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
        if (!text.startsWith("m:")) {
            throw new IllegalArgumentException("not a cursor of this server");
        }
        int index = Integer.parseInt(text.substring(2));
        if (index < 0) {
            throw new IllegalArgumentException("negative cursor");
        }
        return index;
    }

    private Route error(StatusCode status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error")
                .put("code", status.intValue() == 404 ? "not_found" : "bad_request")
                .put("message", message);
        return json(status, body);
    }

    private Route json(StatusCode status, ObjectNode body) {
        return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }
}
