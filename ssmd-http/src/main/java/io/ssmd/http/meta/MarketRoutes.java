package io.ssmd.http.meta;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.meta.AsOf;
import io.ssmd.core.meta.Market;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.MetaViews;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.http.JsonEntities;
import io.ssmd.http.gateway.TopOfBook;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/markets} from the security master (DESIGN §7, §15), in the JSON shape of {@code ssmd market list|show
 * --json} ({@link MetaViews#market}). Every database call runs on the executor given (the node's blocking dispatcher).
 *
 * <ul>
 *   <li>{@code GET /v1/markets[?feed=&status=&category=&search=&as_of=&limit=&offset=]}: {@code {"markets": [...],
 *       "total", "offset", "limit"}}, by feed and instrument; at most {@code limit} ({@value #DEFAULT_LIMIT} by default,
 *       {@value #MAX_LIMIT} at most)
 *   <li>{@code GET /v1/markets/{feed}/{id}}: the market with its raw venue object and, where this node's gateway has
 *       the instrument, {@code top_of_book}; {@code id} may also be its venue id or an alias (URL-encoded:
 *       {@code BTC%2FUSD})
 *   <li>{@code GET /v1/markets/{feed}/{id}/history}: its {@code market_history} rows, oldest first
 * </ul>
 *
 * A bad parameter is a 400 with the reason (an unknown feed, status or category also with {@code did_you_mean} and
 * {@code known}); an unknown feed or market in the path a 404 the same way. {@code /v1/markets/{feed}/{id}/trades} and
 * {@code /v1/markets/{id}} are not matched here: the gateway answers them from what it streams.
 */
public final class MarketRoutes extends AllDirectives {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecurityMaster master;
    private final Executor blocking;
    private final BiFunction<String, String, Optional<TopOfBook>> topOfBook;

    /**
     * @param blocking  where the JDBC calls run: the node's {@code ssmd-blocking-dispatcher}
     * @param topOfBook this node's gateway's best bid and ask of a feed's instrument (always empty without a gateway)
     */
    public MarketRoutes(
            Metadata metadata, Executor blocking, BiFunction<String, String, Optional<TopOfBook>> topOfBook) {
        this.master = new SecurityMaster(metadata);
        this.blocking = blocking;
        this.topOfBook = topOfBook;
    }

    /** A response to complete with. */
    private record Answer(StatusCode status, Object body) {}

    /** Thrown inside a query for a 400. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    public Route route() {
        return pathPrefix(
                segment("v1").slash("markets"),
                () -> get(() -> concat(
                        pathEndOrSingleSlash(() -> parameterMap(this::list)),
                        path(segment().slash(segment()), this::oneOrTrades),
                        path(
                                segment().slash(segment()).slash("history"),
                                (feed, id) -> answer(() -> history(feed, id))))));
    }

    private Route list(Map<String, String> params) {
        return answer(() -> {
            SecurityMaster.Filter filter = new SecurityMaster.Filter(
                    Optional.ofNullable(params.get("feed")),
                    Optional.ofNullable(params.get("status")),
                    Optional.ofNullable(params.get("category")),
                    Optional.ofNullable(params.get("search")).filter(s -> !s.isBlank()),
                    asOf(params.get("as_of")));
            int limit = whole(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
            int offset = whole(params, "offset", 0, 0, Integer.MAX_VALUE);
            List<String> unknown = params.keySet().stream()
                    .filter(k -> !List.of("feed", "status", "category", "search", "as_of", "limit", "offset")
                            .contains(k))
                    .sorted()
                    .toList();
            if (!unknown.isEmpty()) {
                throw new BadRequest("unknown parameter " + unknown
                        + ": /v1/markets takes feed, status, category, search, as_of, limit, offset");
            }
            filter.status().ifPresent(s -> {
                if (!MarketRecord.STATUSES.contains(s)) {
                    throw new UnknownNameException("status", s, MarketRecord.STATUSES);
                }
            });
            filter.feed().ifPresent(master::requireFeed);
            filter.category().ifPresent(c -> {
                List<String> categories = master.categories(filter.feed());
                if (categories.stream().noneMatch(c::equalsIgnoreCase)) {
                    throw new UnknownNameException(
                            "category" + filter.feed().map(f -> " of feed " + f).orElse(""), c, categories);
                }
            });
            List<Market> markets = master.list(filter);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(
                    "markets",
                    markets.stream()
                            .skip(offset)
                            .limit(limit)
                            .map(MetaViews::market)
                            .toList());
            body.put("total", markets.size());
            body.put("offset", offset);
            body.put("limit", limit);
            return new Answer(StatusCodes.OK, body);
        });
    }

    /** {@code /v1/markets/{a}/{b}}: a market, unless {@code a} is no feed and {@code b} is the gateway's "trades". */
    private Route oneOrTrades(String feed, String id) {
        if (!id.equals("trades")) {
            return answer(() -> one(feed, id));
        }
        CompletableFuture<Boolean> isFeed =
                CompletableFuture.supplyAsync(() -> master.feeds().contains(feed), blocking);
        return onSuccess(isFeed, known -> known ? answer(() -> one(feed, id)) : reject());
    }

    private Answer one(String feed, String id) {
        Market market = inPath(() -> master.show(feed, id));
        Map<String, Object> body = MetaViews.market(market);
        body.put("raw", MetaViews.parsedOrText(market.market().raw()));
        body.put(
                "subscription",
                MetaViews.subscription(master.subscriptions().find(market.feed(), market.instrument())));
        body.put(
                "top_of_book",
                topOfBook
                        .apply(market.feed(), market.instrument())
                        .map(MarketRoutes::topOfBook)
                        .orElse(null));
        return new Answer(StatusCodes.OK, body);
    }

    private Answer history(String feed, String id) {
        Market market = inPath(() -> master.show(feed, id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("feed", market.feed());
        body.put("instrument", market.instrument());
        body.put(
                "history",
                master.history(market).stream().map(MetaViews::marketChange).toList());
        return new Answer(StatusCodes.OK, body);
    }

    /** {@code {"bid","bid_size","ask","ask_size","at","source"}}: prices and sizes as strings, absent ones null. */
    static Map<String, Object> topOfBook(TopOfBook top) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bid", top.bid().map(BigDecimal::toPlainString).orElse(null));
        m.put("bid_size", top.bidSize().map(BigDecimal::toPlainString).orElse(null));
        m.put("ask", top.ask().map(BigDecimal::toPlainString).orElse(null));
        m.put("ask_size", top.askSize().map(BigDecimal::toPlainString).orElse(null));
        m.put(
                "at",
                top.atMicros() == 0
                        ? null
                        : Instant.EPOCH.plus(top.atMicros(), ChronoUnit.MICROS).toString());
        m.put("source", top.source());
        return m;
    }

    /** A name in the path that is unknown is a 404 (the default for {@link UnknownNameException} is a 400 here). */
    private static Market inPath(Supplier<Market> show) {
        try {
            return show.get();
        } catch (UnknownNameException e) {
            throw new NotFound(e);
        }
    }

    private static final class NotFound extends RuntimeException {
        final UnknownNameException unknown;

        NotFound(UnknownNameException unknown) {
            super(unknown.getMessage());
            this.unknown = unknown;
        }
    }

    /** Runs {@code query} on the blocking executor and completes with its answer. */
    private Route answer(Supplier<Answer> query) {
        CompletableFuture<Answer> future = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return query.get();
                    } catch (NotFound e) {
                        return new Answer(StatusCodes.NOT_FOUND, MetaViews.unknown(e.unknown));
                    } catch (UnknownNameException e) {
                        return new Answer(StatusCodes.BAD_REQUEST, MetaViews.unknown(e));
                    } catch (BadRequest e) {
                        return new Answer(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
                    }
                },
                blocking);
        return onSuccess(future, a -> complete(a.status(), JsonEntities.of(JSON.valueToTree(a.body()))));
    }

    private static Optional<Instant> asOf(String value) {
        try {
            return Optional.ofNullable(value).map(AsOf::parse);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("as_of: " + e.getMessage());
        }
    }

    private static int whole(Map<String, String> params, String name, int absent, int min, int max) {
        String text = params.get(name);
        if (text == null) {
            return absent;
        }
        try {
            int v = Integer.parseInt(text.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BadRequest(name + " must be a whole number from " + min
                + (max == Integer.MAX_VALUE ? " up" : " to " + max) + ", got '" + text + "'");
    }
}
