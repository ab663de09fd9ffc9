package io.ssmd.http.gateway;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.MarketEventJson;
import io.ssmd.core.model.Trade;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.http.JsonEntities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The instruments ssmd knows now (DESIGN §7): {@code /v1/markets[?feed=]}, {@code /v1/markets/{feed}/{id}},
 * {@code /v1/markets/{feed}/{id}/trades[?limit=]}, and {@code /v1/markets/{id}[/trades]} when only one feed has that id.
 * Ids are URL-encoded ({@code BTC%2FUSD}). Known means: configured statically, listed in a shard's health report
 * (discovery), or seen on a stream.
 */
public final class MarketsRoute extends AllDirectives {

    private final GatewayCore core;
    private final Supplier<CompletionStage<List<ShardHealth>>> health;
    private final int maxTrades;

    public MarketsRoute(GatewayCore core, Supplier<CompletionStage<List<ShardHealth>>> health, int maxTrades) {
        this.core = core;
        this.health = health;
        this.maxTrades = maxTrades;
    }

    public Route route() {
        return pathPrefix(
                segment("v1").slash("markets"),
                () -> get(() -> concat(
                        pathEndOrSingleSlash(() -> parameterOptional("feed", this::list)),
                        path(
                                PathMatchers.segment(),
                                first -> onSuccess(
                                        known(Optional.empty()), markets -> one(markets, Optional.empty(), first))),
                        path(
                                PathMatchers.segment().slash(PathMatchers.segment()),
                                (first, second) -> twoSegments(first, second)),
                        path(
                                PathMatchers.segment()
                                        .slash(PathMatchers.segment())
                                        .slash("trades"),
                                (feed, id) -> parameterOptional(
                                        "limit",
                                        limit -> onSuccess(
                                                known(Optional.of(feed)),
                                                markets -> trades(markets, Optional.of(feed), id, limit)))))));
    }

    private Route twoSegments(String first, String second) {
        if (core.feedNames().contains(first)) {
            return onSuccess(known(Optional.of(first)), markets -> one(markets, Optional.of(first), second));
        }
        if (second.equals("trades")) {
            return parameterOptional(
                    "limit",
                    limit -> onSuccess(
                            known(Optional.empty()), markets -> trades(markets, Optional.empty(), first, limit)));
        }
        return error(StatusCodes.NOT_FOUND, "unknown feed \"" + first + "\": feeds are " + core.feedNames());
    }

    private Route list(Optional<String> feed) {
        if (feed.isPresent() && !core.feedNames().contains(feed.get())) {
            return error(StatusCodes.NOT_FOUND, "unknown feed \"" + feed.get() + "\": feeds are " + core.feedNames());
        }
        return onSuccess(known(feed), markets -> {
            ObjectNode body = GatewayJson.JSON.createObjectNode();
            ArrayNode list = body.putArray("markets");
            markets.forEach(m -> list.add(summary(m)));
            return complete(StatusCodes.OK, JsonEntities.of(body));
        });
    }

    private Route one(List<MarketInfo> markets, Optional<String> feed, String id) {
        return resolve(markets, feed, id, listed -> {
            // The list carries top-of-book only; the one market asked for is read whole.
            MarketInfo market = core.market(listed.feed(), listed.instrument()).orElse(listed);
            ObjectNode body = summary(market);
            market.lastTicker().ifPresent(t -> body.set("lastTicker", event(t)));
            market.lastTrade().ifPresent(t -> body.set("lastTrade", event(t)));
            market.book().ifPresent(book -> {
                ObjectNode node = body.putObject("book");
                node.put("bidLevels", book.bids().size())
                        .put("askLevels", book.asks().size());
                book.bids().stream().findFirst().ifPresent(l -> node.set("bestBid", level(l)));
                book.asks().stream().findFirst().ifPresent(l -> node.set("bestAsk", level(l)));
            });
            return complete(StatusCodes.OK, JsonEntities.of(body));
        });
    }

    private Route trades(List<MarketInfo> markets, Optional<String> feed, String id, Optional<String> limitText) {
        int limit;
        try {
            limit = limitText.map(Integer::parseInt).orElse(Math.min(100, maxTrades));
        } catch (NumberFormatException e) {
            return error(StatusCodes.BAD_REQUEST, "limit must be a whole number from 1 to " + maxTrades);
        }
        if (limit < 1 || limit > maxTrades) {
            return error(StatusCodes.BAD_REQUEST, "limit must be from 1 to " + maxTrades + " (gateway.recent-trades)");
        }
        return resolve(markets, feed, id, market -> {
            List<Trade> trades =
                    core.trades(market.feed(), market.instrument(), limit).orElse(List.of());
            ObjectNode body = GatewayJson.JSON
                    .createObjectNode()
                    .put("feed", market.feed())
                    .put("id", market.instrument());
            ArrayNode list = body.putArray("trades");
            trades.forEach(t -> list.add(event(t)));
            return complete(StatusCodes.OK, JsonEntities.of(body));
        });
    }

    /** Finds the one instrument meant: 404 when none, 409 when the id exists on several feeds and none was named. */
    private Route resolve(
            List<MarketInfo> markets,
            Optional<String> feed,
            String id,
            java.util.function.Function<MarketInfo, Route> found) {
        if (feed.isPresent() && !core.feedNames().contains(feed.get())) {
            return error(StatusCodes.NOT_FOUND, "unknown feed \"" + feed.get() + "\": feeds are " + core.feedNames());
        }
        List<MarketInfo> matches = markets.stream()
                .filter(m -> m.instrument().equals(id)
                        || m.alias().filter(id::equals).isPresent())
                .toList();
        if (matches.isEmpty()) {
            return error(
                    StatusCodes.NOT_FOUND,
                    "no instrument \"" + id + "\""
                            + feed.map(f -> " on feed " + f).orElse(" on any feed")
                            + " (ids are URL-encoded: BTC%2FUSD)");
        }
        List<String> feeds = matches.stream().map(MarketInfo::feed).distinct().toList();
        if (feeds.size() > 1) {
            return error(
                    StatusCodes.CONFLICT,
                    "\"" + id + "\" exists on feeds " + feeds + ": ask for /v1/markets/{feed}/{id}");
        }
        return found.apply(matches.stream()
                .filter(m -> m.instrument().equals(id))
                .findFirst()
                .orElse(matches.get(0)));
    }

    /** What the gateway has seen, plus instruments only the shards' health reports name yet. */
    private CompletionStage<List<MarketInfo>> known(Optional<String> feed) {
        return health.get().exceptionally(e -> List.of()).thenApply(shards -> {
            Map<String, MarketInfo> byKey = new LinkedHashMap<>();
            for (MarketInfo market : core.markets(feed)) {
                byKey.put(market.feed() + '\n' + market.instrument(), market);
            }
            for (ShardHealth shard : shards) {
                if ((feed.isPresent() && !feed.get().equals(shard.feed()))
                        || !core.feedNames().contains(shard.feed())) {
                    continue;
                }
                for (String instrument : shard.instruments()) {
                    if (core.isEnded(shard.feed(), instrument)) {
                        // A shard may carry it a little longer; the security master says it is over.
                        continue;
                    }
                    byKey.compute(
                            shard.feed() + '\n' + instrument,
                            (k, seen) -> seen == null
                                    ? new MarketInfo(
                                            shard.feed(),
                                            instrument,
                                            Optional.empty(),
                                            Optional.of(shard.shard()),
                                            Optional.empty(),
                                            Optional.empty(),
                                            Optional.empty())
                                    : new MarketInfo(
                                            seen.feed(),
                                            seen.instrument(),
                                            seen.alias(),
                                            Optional.of(shard.shard()),
                                            seen.lastTicker(),
                                            seen.lastTrade(),
                                            seen.book()));
                }
            }
            return new ArrayList<>(byKey.values());
        });
    }

    private static ObjectNode summary(MarketInfo market) {
        ObjectNode node =
                GatewayJson.JSON.createObjectNode().put("feed", market.feed()).put("id", market.instrument());
        market.alias().ifPresent(a -> node.put("market", a));
        if (market.shard().isPresent()) {
            node.put("shard", market.shard().get());
        } else {
            node.putNull("shard");
        }
        return node;
    }

    private static JsonNode event(MarketEvent event) {
        try {
            return GatewayJson.JSON.readTree(MarketEventJson.write(event));
        } catch (IOException e) {
            throw new UncheckedIOException("MarketEventJson always writes JSON", e);
        }
    }

    private static ArrayNode level(Level level) {
        ArrayNode node = GatewayJson.JSON.createArrayNode();
        node.add(level.price().toPlainString()).add(level.size().toPlainString());
        return node;
    }

    private Route error(StatusCode status, String reason) {
        return complete(status, JsonEntities.error(reason));
    }
}
