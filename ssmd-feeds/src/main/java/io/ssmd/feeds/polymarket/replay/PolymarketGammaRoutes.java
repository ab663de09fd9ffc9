package io.ssmd.feeds.polymarket.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Gamma's market discovery, for the synthetic universe: {@code GET /markets} (a JSON array) and
 * {@code GET /markets/{id}} (one object). Filters: {@code limit}, {@code offset}, {@code active}, {@code closed},
 * {@code archived}, and the repeatable {@code id}, {@code slug}, {@code clob_token_ids}, {@code condition_ids}
 * (comma-separated lists are accepted too). Every synthetic market is active, open and not archived: Gamma's
 * implicit {@code closed=false} excludes none of them, and {@code closed=true} finds nothing.
 *
 * <p>As on Gamma, {@code outcomes}, {@code outcomePrices} and {@code clobTokenIds} are JSON-encoded STRINGS
 * ({@code "[\"Yes\", \"No\"]"}), and prices and sizes elsewhere are JSON numbers. The top of book shown is the
 * synthetic market's opening state for the server's first session; live books are per session.
 */
final class PolymarketGammaRoutes extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ObjectNode> markets = new ArrayList<>();

    PolymarketGammaRoutes(PolymarketUniverse universe, PolymarketSyntheticMarket opening) {
        for (PolymarketMarket market : universe.markets()) {
            markets.add(describe(market, opening.book(market.yesToken())));
        }
    }

    Route route() {
        return pathPrefix(
                "markets",
                () -> concat(
                        pathEndOrSingleSlash(() -> get(() -> parameterList(this::list))),
                        path(PathMatchers.segment(), id -> get(() -> one(id)))));
    }

    private Route list(List<Map.Entry<String, String>> query) {
        int limit = Integer.MAX_VALUE;
        int offset = 0;
        List<Predicate<ObjectNode>> filters = new ArrayList<>();
        try {
            for (Map.Entry<String, String> parameter : query) {
                String value = parameter.getValue();
                switch (parameter.getKey()) {
                    case "limit" -> limit = whole("limit", value);
                    case "offset" -> offset = whole("offset", value);
                    case "active", "closed", "archived" -> filters.add(flag(parameter.getKey(), value));
                    default -> {}
                }
            }
        } catch (IllegalArgumentException e) {
            return json(StatusCodes.BAD_REQUEST, JSON.createObjectNode().put("error", e.getMessage()));
        }
        filters.add(anyOf(query, "id", m -> List.of(m.get("id").asText())));
        filters.add(anyOf(query, "slug", m -> List.of(m.get("slug").asText())));
        filters.add(
                anyOf(query, "condition_ids", m -> List.of(m.get("conditionId").asText())));
        filters.add(anyOf(query, "clob_token_ids", m -> tokens(m)));
        ArrayNode page = JSON.createArrayNode();
        markets.stream()
                .filter(m -> filters.stream().allMatch(f -> f.test(m)))
                .skip(offset)
                .limit(limit)
                .forEach(page::add);
        return json(StatusCodes.OK, page);
    }

    private Route one(String id) {
        return markets.stream()
                .filter(m -> m.get("id").asText().equals(id))
                .findFirst()
                .map(m -> json(StatusCodes.OK, m))
                .orElseGet(() ->
                        json(StatusCodes.NOT_FOUND, JSON.createObjectNode().put("error", "market not found")));
    }

    /** Keeps markets matching any value of a repeatable (or comma-separated) parameter; all when it is absent. */
    private static Predicate<ObjectNode> anyOf(
            List<Map.Entry<String, String>> query, String name, Function<ObjectNode, List<String>> keys) {
        Set<String> wanted = new HashSet<>();
        query.stream()
                .filter(p -> p.getKey().equals(name))
                .forEach(p -> wanted.addAll(List.of(p.getValue().split(","))));
        return wanted.isEmpty() ? m -> true : m -> keys.apply(m).stream().anyMatch(wanted::contains);
    }

    private static List<String> tokens(ObjectNode market) {
        try {
            List<String> tokens = new ArrayList<>();
            JSON.readTree(market.get("clobTokenIds").asText()).forEach(t -> tokens.add(t.asText()));
            return tokens;
        } catch (IOException e) {
            throw new IllegalStateException("clobTokenIds is written here, as JSON", e);
        }
    }

    private static ObjectNode describe(PolymarketMarket market, PolymarketSyntheticBook book) {
        BigDecimal bid = mils(book.bestBid());
        BigDecimal ask = mils(book.bestAsk());
        ObjectNode node = JSON.createObjectNode();
        node.put("id", market.id());
        node.put("question", market.question());
        node.put("conditionId", market.conditionId());
        node.put("slug", market.slug());
        node.put("outcomes", encodedList(market.outcomes()));
        node.put(
                "outcomePrices",
                encodedList(List.of(
                        PolymarketFrames.price(market.startMils()),
                        PolymarketFrames.price(1000 - market.startMils()))));
        node.put("active", true);
        node.put("closed", false);
        node.put("archived", false);
        node.put("enableOrderBook", true);
        node.put("orderPriceMinTickSize", mils(book.tick()));
        node.put("orderMinSize", 5);
        node.put("clobTokenIds", encodedList(market.tokens()));
        node.put("acceptingOrders", true);
        node.put("negRisk", false);
        node.put("spread", ask.subtract(bid).stripTrailingZeros());
        node.put("lastTradePrice", mils(market.startMils()));
        node.put("bestBid", bid);
        node.put("bestAsk", ask);
        return node;
    }

    /** Gamma encodes these lists as JSON text the way Python prints them: {@code ["Yes", "No"]}. */
    private static String encodedList(List<String> values) {
        StringBuilder text = new StringBuilder("[");
        for (String value : values) {
            text.append(text.length() > 1 ? ", " : "").append('"').append(value).append('"');
        }
        return text.append(']').toString();
    }

    private static BigDecimal mils(int mils) {
        return BigDecimal.valueOf(mils, 3).stripTrailingZeros();
    }

    private static Predicate<ObjectNode> flag(String name, String value) {
        boolean wanted = bool(name, value);
        return m -> m.get(name).asBoolean() == wanted;
    }

    private static int whole(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least 0, got '" + value + "'");
    }

    private static boolean bool(String name, String value) {
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
    }

    private Route json(StatusCode status, Object body) {
        return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }
}
