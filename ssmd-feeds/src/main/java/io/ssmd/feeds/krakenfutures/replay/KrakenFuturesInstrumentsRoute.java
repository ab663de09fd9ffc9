package io.ssmd.feeds.krakenfutures.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code GET /derivatives/api/v3/instruments}: the universe's perpetuals as Kraken Futures lists its contracts
 * ({@code {"result":"success","instruments":[...],"serverTime":"..."}}), with the fields of Kraken's documentation
 * (PROTOCOLS.md has no stored sample): {@code symbol}, {@code type} {@code flexible_futures}, {@code tickSize},
 * {@code contractSize}, {@code tradeable}, {@code openingDate}, {@code contractValueTradePrecision}, {@code postOnly},
 * {@code base}, {@code quote}, {@code pair}, {@code marginLevels}, {@code category}, {@code tags}; then the two
 * indices Kraken lists beside the contracts ({@code in_xbtusd}, {@code rr_xbtusd}, {@code type} "spot index").
 *
 * <p>{@code POST /control/instruments/{symbol}} with a JSON object of instrument fields ({@code {"tradeable":false}})
 * changes what the listing answers from then on.
 */
final class KrakenFuturesInstrumentsRoute extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> universe;
    private final Map<String, ObjectNode> overrides = new ConcurrentHashMap<>();

    KrakenFuturesInstrumentsRoute(Set<String> universe) {
        this.universe = List.copyOf(new java.util.TreeSet<>(universe));
    }

    Route route() {
        return concat(
                path(
                        PathMatchers.segment("derivatives")
                                .slash("api")
                                .slash("v3")
                                .slash("instruments"),
                        () -> get(() -> complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, answer())))),
                path(
                        PathMatchers.segment("control").slash("instruments").slash(PathMatchers.segment()),
                        symbol -> post(() -> entity(Unmarshaller.entityToString(), text -> {
                            if (!universe.contains(symbol)) {
                                return complete(StatusCodes.NOT_FOUND, "unknown instrument " + symbol);
                            }
                            try {
                                if (!(JSON.readTree(text) instanceof ObjectNode fields)) {
                                    return complete(StatusCodes.BAD_REQUEST, "expected a JSON object");
                                }
                                overrides.merge(symbol, fields, (a, b) -> {
                                    ObjectNode m = a.deepCopy();
                                    m.setAll(b);
                                    return m;
                                });
                                return complete(HttpEntities.create(
                                        ContentTypes.APPLICATION_JSON,
                                        instrument(symbol).toString()));
                            } catch (java.io.IOException e) {
                                return complete(StatusCodes.BAD_REQUEST, "not JSON: " + e.getMessage());
                            }
                        }))));
    }

    String answer() {
        ObjectNode root = JSON.createObjectNode();
        root.put("result", "success");
        ArrayNode instruments = root.putArray("instruments");
        universe.forEach(symbol -> instruments.add(instrument(symbol)));
        for (String index : List.of("in_xbtusd", "rr_xbtusd")) {
            instruments
                    .addObject()
                    .put("symbol", index)
                    .put("type", "spot index")
                    .put("tradeable", false);
        }
        root.put("serverTime", java.time.Instant.now().toString());
        return root.toString();
    }

    private ObjectNode instrument(String symbol) {
        KrakenFuturesProductSpec spec = KrakenFuturesProductSpec.of(symbol);
        String[] pair = spec.pair().split(":");
        ObjectNode node = JSON.createObjectNode();
        node.put("symbol", symbol);
        node.put("type", "flexible_futures");
        node.put("tickSize", BigDecimal.ONE.movePointLeft(spec.priceScale()));
        node.put("contractSize", 1);
        node.put("tradeable", true);
        node.put("impactMidSize", 1);
        node.put("maxPositionSize", 1_000_000);
        node.put("openingDate", "2022-01-01T00:00:00.000Z");
        ArrayNode margins = node.putArray("marginLevels");
        margins.addObject()
                .put("numNonContractUnits", 0)
                .put("initialMargin", 0.02)
                .put("maintenanceMargin", 0.01);
        margins.addObject()
                .put("numNonContractUnits", 500_000)
                .put("initialMargin", 0.04)
                .put("maintenanceMargin", 0.02);
        node.put("fundingRateCoefficient", 8);
        node.put("maxRelativeFundingRate", 0.001);
        node.put("contractValueTradePrecision", spec.qtyScale());
        node.put("postOnly", false);
        node.put("feeScheduleUid", "5b755fea-c5b0-4307-a66e-b392cd5bd931");
        node.put("mtf", false);
        node.put("base", pair[0]);
        node.put("quote", pair.length > 1 ? pair[1] : "USD");
        node.put("pair", spec.pair());
        node.put("category", pair[0].equals("XBT") || pair[0].equals("ETH") || pair[0].equals("SOL") ? "Layer 1" : "");
        node.putArray("tags");
        node.put("tradfi", false);
        ObjectNode changed = overrides.get(symbol);
        if (changed != null) {
            node.setAll(changed);
        }
        return node;
    }
}
