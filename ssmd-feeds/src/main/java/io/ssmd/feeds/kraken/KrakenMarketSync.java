package io.ssmd.feeds.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.feeds.MarketSync;
import io.ssmd.feeds.SyncJson;
import io.ssmd.feeds.VenueRest;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Kraken spot pairs for the security master: {@code GET {rest}/AssetPairs} (PROTOCOLS.md §2.7), one request, no
 * paging. The instrument is the v2 WebSocket symbol, {@code BTC/USD}: the REST {@code wsname} is the v1 name
 * ({@code XBT/USD}), turned into v2 by renaming Kraken's legacy asset codes (XBT → BTC, XDG → DOGE); {@code wsname}
 * and {@code altname} are kept as aliases, the pair key as the venue id. A pair without a {@code wsname} (no
 * WebSocket market) is left out. Statuses: {@code online} active; {@code cancel_only}, {@code post_only},
 * {@code limit_only}, {@code reduce_only}, {@code maintenance} halted; {@code delisted} closed; anything else halted.
 */
public final class KrakenMarketSync implements MarketSync {

    /** v1 asset codes that v2 spells differently. */
    private static final Map<String, String> V2_ASSETS = Map.of("XBT", "BTC", "XDG", "DOGE");

    private final String feed;
    private final URI base;
    private final VenueRest rest;

    KrakenMarketSync(EnabledFeed feed, VenueRest rest) {
        this.feed = feed.name();
        this.base = feed.definition()
                .endpoints()
                .rest()
                .orElseThrow(
                        () -> new IllegalArgumentException(
                                feed.definition().file()
                                        + ": endpoints.rest (https://api.kraken.com/0/public) is needed to sync Kraken's pairs"));
        this.rest = rest;
    }

    @Override
    public Fetched fetch(Consumer<String> progress) throws InterruptedException {
        JsonNode body = rest.get(VenueRest.resolve(base, "/AssetPairs"));
        if (body.path("error").size() > 0) {
            throw new IllegalStateException("Kraken AssetPairs answered " + body.path("error"));
        }
        List<MarketRecord> markets = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.path("result").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> pair = it.next();
            MarketRecord record = record(feed, pair.getKey(), pair.getValue());
            if (record != null) {
                markets.add(record);
            }
        }
        progress.accept(feed + ": " + markets.size() + " pairs");
        return new Fetched(markets, true);
    }

    /** The v2 symbol of a v1 wsname: {@code XBT/USD} is {@code BTC/USD}, {@code XDG/EUR} is {@code DOGE/EUR}. */
    public static String v2Symbol(String wsname) {
        int slash = wsname.indexOf('/');
        if (slash < 0) {
            return wsname;
        }
        String base = wsname.substring(0, slash);
        String quote = wsname.substring(slash + 1);
        return V2_ASSETS.getOrDefault(base, base) + "/" + V2_ASSETS.getOrDefault(quote, quote);
    }

    static MarketRecord record(String feed, String key, JsonNode p) {
        String wsname = SyncJson.text(p, "wsname");
        if (wsname == null) {
            return null;
        }
        String symbol = v2Symbol(wsname);
        String altname = SyncJson.text(p, "altname");
        List<String> aliases = new ArrayList<>();
        if (!wsname.equals(symbol)) {
            aliases.add(wsname);
        }
        if (altname != null && !aliases.contains(altname) && !altname.equals(symbol)) {
            aliases.add(altname);
        }
        String venueStatus = SyncJson.text(p, "status");
        Map<String, Object> rules = new LinkedHashMap<>();
        for (String field : List.of(
                "costmin",
                "cost_decimals",
                "lot",
                "lot_multiplier",
                "leverage_buy",
                "leverage_sell",
                "margin_call",
                "margin_stop",
                "long_position_limit",
                "short_position_limit")) {
            if (p.hasNonNull(field)) {
                rules.put(field, p.get(field));
            }
        }
        String tick = SyncJson.text(p, "tick_size");
        Integer priceDecimals =
                p.hasNonNull("pair_decimals") ? p.get("pair_decimals").asInt() : null;
        if (tick == null && priceDecimals != null) {
            tick = java.math.BigDecimal.ONE.movePointLeft(priceDecimals).toPlainString();
        }
        return new MarketRecord(
                feed,
                symbol,
                key,
                aliases,
                symbol,
                SyncJson.text(p, "aclass_base"),
                null,
                null,
                status(venueStatus),
                venueStatus,
                null,
                null,
                null,
                null,
                null,
                null,
                tick,
                SyncJson.text(p, "ordermin"),
                priceDecimals,
                p.hasNonNull("lot_decimals") ? p.get("lot_decimals").asInt() : null,
                SyncJson.sorted(rules),
                SyncJson.without(p, f -> false));
    }

    static String status(String venue) {
        if (venue == null) {
            return MarketRecord.ACTIVE;
        }
        return switch (venue) {
            case "online" -> MarketRecord.ACTIVE;
            case "delisted" -> MarketRecord.CLOSED;
            case "work_in_progress" -> MarketRecord.UPCOMING;
            default -> MarketRecord.HALTED;
        };
    }
}
