package io.ssmd.feeds.krakenfutures;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Kraken Futures contracts for the security master: {@code GET {rest}/instruments} ({@code endpoints.rest} is
 * {@code https://futures.kraken.com/derivatives/api/v3}), one request, answered
 * {@code {"result":"success","instruments":[...]}}. PROTOCOLS.md has no sample of it; the fields read are those of
 * Kraken's documentation: {@code symbol} (the {@code product_id} the WebSocket takes, upper case), {@code type},
 * {@code underlying}, {@code tickSize}, {@code contractSize}, {@code tradeable}, {@code openingDate},
 * {@code lastTradingTime} (fixed maturities), {@code contractValueTradePrecision}, {@code postOnly}, {@code base},
 * {@code quote}, {@code pair}, {@code category}. Indices ({@code type} "spot index") are not contracts and are left out.
 * A tradeable contract is active; one that is not, halted; one past its {@code lastTradingTime}, closed (kept while
 * within {@code closed-within}).
 */
public final class KrakenFuturesMarketSync implements MarketSync {

    private final String feed;
    private final URI base;
    private final VenueRest rest;

    KrakenFuturesMarketSync(EnabledFeed feed, VenueRest rest) {
        this.feed = feed.name();
        this.base = feed.definition()
                .endpoints()
                .rest()
                .orElseThrow(
                        () -> new IllegalArgumentException(feed.definition().file()
                                + ": endpoints.rest (https://futures.kraken.com/derivatives/api/v3) is needed to sync Kraken"
                                + " Futures' contracts"));
        this.rest = rest;
    }

    @Override
    public Fetched fetch(Consumer<String> progress) throws InterruptedException {
        JsonNode body = rest.get(VenueRest.resolve(base, "/instruments"));
        if (!"success".equals(body.path("result").asText())) {
            throw new IllegalStateException("Kraken Futures instruments answered " + body);
        }
        Instant now = Instant.now();
        Instant cutoff = now.minus(rest.settings().closedWithin());
        List<MarketRecord> markets = new ArrayList<>();
        for (JsonNode instrument : body.path("instruments")) {
            String type = SyncJson.text(instrument, "type");
            if (type == null || type.contains("index") || SyncJson.text(instrument, "symbol") == null) {
                continue;
            }
            MarketRecord record = record(feed, instrument, now);
            if (record.ended()
                    && record.closeTime() != null
                    && record.closeTime().isBefore(cutoff)) {
                continue;
            }
            markets.add(record);
        }
        progress.accept(feed + ": " + markets.size() + " contracts");
        return new Fetched(markets, true);
    }

    static MarketRecord record(String feed, JsonNode i, Instant now) {
        String symbol = SyncJson.text(i, "symbol").toUpperCase(Locale.ROOT);
        boolean tradeable = i.path("tradeable").asBoolean(true);
        Instant last = SyncJson.instant(i, "lastTradingTime");
        String status = last != null && !last.isAfter(now)
                ? MarketRecord.CLOSED
                : tradeable ? MarketRecord.ACTIVE : MarketRecord.HALTED;
        Integer sizeDecimals = i.hasNonNull("contractValueTradePrecision")
                ? i.get("contractValueTradePrecision").asInt()
                : null;
        String minSize = sizeDecimals == null
                ? null
                : BigDecimal.ONE
                        .movePointLeft(sizeDecimals)
                        .stripTrailingZeros()
                        .toPlainString();
        String tick = SyncJson.text(i, "tickSize");
        Map<String, Object> rules = new LinkedHashMap<>();
        for (String field : List.of(
                "contractSize",
                "postOnly",
                "maxPositionSize",
                "impactMidSize",
                "fundingRateCoefficient",
                "maxRelativeFundingRate",
                "marginLevels",
                "tradfi",
                "mtf")) {
            if (i.hasNonNull(field)) {
                rules.put(field, i.get(field));
            }
        }
        String pair = SyncJson.text(i, "pair");
        String type = SyncJson.text(i, "type");
        String category = SyncJson.text(i, "category");
        return new MarketRecord(
                feed,
                symbol,
                SyncJson.text(i, "isin"),
                List.of(),
                (pair == null ? symbol : pair.replace(':', '/')) + " " + type.replace('_', ' '),
                category == null ? type : category,
                type,
                SyncJson.text(i, "underlying"),
                status,
                tradeable ? "tradeable" : "not tradeable",
                SyncJson.instant(i, "openingDate"),
                last,
                last,
                null,
                null,
                null,
                tick,
                minSize,
                SyncJson.decimals(tick),
                sizeDecimals,
                SyncJson.sorted(rules),
                SyncJson.without(i, f -> false));
    }
}
