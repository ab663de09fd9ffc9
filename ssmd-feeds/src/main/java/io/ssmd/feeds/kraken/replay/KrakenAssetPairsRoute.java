package io.ssmd.feeds.kraken.replay;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /0/public/AssetPairs[?pair=XBTUSD,ETHUSD]}: the universe's pairs in the shape of Kraken's REST answer
 * (exchanges/kraken/rest-assetpairs.json), keyed and sorted by pair key. A {@code pair} may be named by its key
 * ({@code XXBTZUSD}), altname ({@code XBTUSD}), v1 wsname ({@code XBT/USD}) or v2 symbol ({@code BTC/USD}); one
 * unknown name fails the whole request with Kraken's {@code EQuery:Unknown asset pair}, which Kraken sends with
 * HTTP 200 like all its API errors. The {@code info} parameter is accepted and ignored: the answer is always the full
 * {@code info} view. AssetPairs has no pagination.
 */
final class KrakenAssetPairsRoute extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Kraken's volume-tiered fee schedule, as in the real sample (volume in USD, fee in percent). */
    private static final double[][] FEES = {
        {0, 0.4},
        {10_000, 0.35},
        {50_000, 0.24},
        {100_000, 0.22},
        {250_000, 0.2},
        {500_000, 0.18},
        {1_000_000, 0.16},
        {2_500_000, 0.14},
        {5_000_000, 0.12},
        {10_000_000, 0.1}
    };

    private static final double[][] FEES_MAKER = {
        {0, 0.25},
        {10_000, 0.2},
        {50_000, 0.14},
        {100_000, 0.12},
        {250_000, 0.1},
        {500_000, 0.08},
        {1_000_000, 0.06},
        {2_500_000, 0.04},
        {5_000_000, 0.02},
        {10_000_000, 0.0}
    };

    private final List<KrakenInstrument> universe;

    KrakenAssetPairsRoute(List<String> symbols) {
        List<KrakenInstrument> instruments = new ArrayList<>();
        symbols.forEach(symbol -> instruments.add(KrakenInstruments.of(symbol)));
        instruments.sort(Comparator.comparing(KrakenInstrument::pairKey));
        this.universe = List.copyOf(instruments);
    }

    Route route() {
        return path(
                segment("0").slash("public").slash("AssetPairs"),
                () -> get(() -> parameterOptional("pair", pair -> {
                    String body = answer(pair);
                    return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
                })));
    }

    String answer(Optional<String> pair) {
        List<KrakenInstrument> chosen = new ArrayList<>();
        if (pair.isEmpty() || pair.get().isBlank()) {
            chosen.addAll(universe);
        } else {
            for (String name : pair.get().split(",")) {
                Optional<KrakenInstrument> found = find(name.trim());
                if (found.isEmpty()) {
                    ObjectNode error = JSON.createObjectNode();
                    error.putArray("error").add("EQuery:Unknown asset pair");
                    return error.toString();
                }
                if (!chosen.contains(found.get())) {
                    chosen.add(found.get());
                }
            }
            chosen.sort(Comparator.comparing(KrakenInstrument::pairKey));
        }
        ObjectNode root = JSON.createObjectNode();
        root.putArray("error");
        ObjectNode result = root.putObject("result");
        chosen.forEach(instrument -> entry(result.putObject(instrument.pairKey()), instrument));
        return root.toString();
    }

    private Optional<KrakenInstrument> find(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return universe.stream()
                .filter(i -> i.pairKey().equals(upper)
                        || i.altname().equals(upper)
                        || i.wsname().equals(upper)
                        || i.symbol().equals(upper))
                .findFirst();
    }

    private static void entry(ObjectNode node, KrakenInstrument instrument) {
        // The real majors can be traded on margin; a stablecoin and the made-up pairs cannot.
        boolean margin = KrakenInstruments.defaultSymbols().contains(instrument.symbol())
                && !instrument.base().equals("USDT");
        node.put("altname", instrument.altname());
        node.put("wsname", instrument.wsname());
        node.put("aclass_base", "currency");
        node.put("base", instrument.base());
        node.put("aclass_quote", "currency");
        node.put("quote", instrument.quote());
        node.put("lot", "unit");
        node.put("cost_decimals", 5);
        node.put("pair_decimals", instrument.priceDecimals());
        node.put("lot_decimals", instrument.qtyDecimals());
        node.put("lot_multiplier", 1);
        ArrayNode leverageBuy = node.putArray("leverage_buy");
        ArrayNode leverageSell = node.putArray("leverage_sell");
        if (margin) {
            for (int leverage = 2; leverage <= (instrument.base().equals("XXBT") ? 10 : 5); leverage++) {
                leverageBuy.add(leverage);
                leverageSell.add(leverage);
            }
        }
        tiers(node.putArray("fees"), FEES);
        tiers(node.putArray("fees_maker"), FEES_MAKER);
        node.put("fee_volume_currency", "ZUSD");
        node.put("margin_call", 80);
        node.put("margin_stop", 40);
        node.put("ordermin", instrument.ordermin());
        node.put("costmin", "0.5");
        node.put("tick_size", instrument.tickSize());
        node.put("status", "online");
        if (margin) {
            node.put("long_position_limit", 80);
            node.put("short_position_limit", 80);
        }
    }

    private static void tiers(ArrayNode array, double[][] tiers) {
        for (double[] tier : tiers) {
            array.addArray().add((long) tier[0]).add(tier[1]);
        }
    }
}
