package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.meta.Market;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.feeds.SyncJson;
import io.ssmd.feeds.VenueRest;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kalshi's {@code market_lifecycle_v2} events as security-master changes (DESIGN §15): the lifecycle watcher's batch of
 * events becomes one {@link SecurityMaster#upsert} (one transaction: the rows, a history row per changed field, an
 * outbox event each), so the relay tells every consumer, as a sync would, without waiting for the next sync.
 *
 * <ul>
 *   <li>{@code created}, {@code activated} and a pause lifted ({@code deactivated} with {@code is_deactivated:false}),
 *       and any event of a market the security master does not hold yet: the market is read from REST
 *       ({@code GET /markets?tickers=}, through {@link VenueRest}: retried with backoff on a network error, a 5xx or a
 *       429) and stored as a sync stores it; its category comes from the market, else the stored row, else its event
 *       ({@code GET /events/{event_ticker}}).</li>
 *   <li>{@code deactivated}: halted; {@code determined}: settled with the event's result; {@code settled}: settled, with
 *       {@code settled_ts} as {@code settled_at}; {@code close_date_updated}: the new close time; others change
 *       nothing.</li>
 * </ul>
 * A market whose lookup fails every try is left out with its events, for the caller to retry ({@link Applied}).
 * Blocking; one call at a time (its {@link VenueRest} is not thread-safe).
 */
final class KalshiLifecycleSecmaster {

    /** One lifecycle event: the market, its {@code event_type}, the whole {@code msg}. */
    record Event(String ticker, String type, JsonNode msg) {

        /** Whether the event opens the market (or may have): its row is then read from REST. */
        boolean opens() {
            return type.equals("created")
                    || type.equals("activated")
                    || (type.equals("deactivated")
                            && msg.path("is_deactivated").isBoolean()
                            && !msg.get("is_deactivated").asBoolean());
        }
    }

    /** The {@code reason} of {@code ssmd_secmaster_markets_dropped_total} for a market whose lookup failed. */
    static final String LOOKUP_FAILED = "lookup_failed";

    private final String feed;
    private final URI base;
    private final VenueRest rest;
    private final SecurityMaster master;
    private final ConnectorMetrics metrics;

    KalshiLifecycleSecmaster(String feed, URI base, VenueRest rest, SecurityMaster master, ConnectorMetrics metrics) {
        this.feed = feed;
        this.base = base;
        this.rest = rest;
        this.master = master;
        this.metrics = metrics;
    }

    /**
     * What {@link #apply} did: the changes stored, and the markets whose events it left out for a later try.
     *
     * @param failed   markets looked up alone whose request failed every try, with the last error: each is a
     *                 {@code lookup_failed} drop for the caller to count and retry
     * @param deferred markets not stored for another market's failure: named in a request of several that failed
     *                 every try, or not tried after a failure in a one-by-one pass
     */
    record Applied(SecurityMaster.SyncCounts counts, Map<String, String> failed, Set<String> deferred) {

        /** Every market whose events were left out. */
        Set<String> leftOut() {
            Set<String> all = new LinkedHashSet<>(failed.keySet());
            all.addAll(deferred);
            return all;
        }
    }

    /**
     * Stores what the events say, in one transaction; a market REST does not know is left out. Markets are looked up
     * 40 to a request. A request that fails every try leaves its markets' events out (the others are stored): a
     * market it named alone is {@link Applied#failed}, those of a request of several are {@link Applied#deferred}.
     *
     * @param oneByOne one market to a request (a retry of markets whose lookup failed: a failure names its market),
     *                 ending at the first failure: the markets after it are deferred, as REST is then likely failing
     *                 for everyone and each would wait out every try
     * @throws RuntimeException when the database refused the changes (nothing is stored then)
     */
    Applied apply(List<Event> events, Instant at, boolean oneByOne) throws InterruptedException {
        Map<String, MarketRecord> rows = new LinkedHashMap<>();
        Set<String> lookUp = new LinkedHashSet<>();
        for (Event e : events) {
            if (!rows.containsKey(e.ticker())) {
                master.find(feed, e.ticker()).map(Market::market).ifPresent(m -> rows.put(e.ticker(), m));
            }
            if (e.opens() || !rows.containsKey(e.ticker())) {
                lookUp.add(e.ticker());
            }
        }
        Map<String, MarketRecord> fresh = new HashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Set<String> deferred = new LinkedHashSet<>();
        List<String> all = List.copyOf(lookUp);
        int perRequest = oneByOne ? 1 : KalshiDiscovery.TICKERS_PER_LOOKUP;
        for (int from = 0; from < all.size(); from += perRequest) {
            List<String> named = all.subList(from, Math.min(all.size(), from + perRequest));
            if (oneByOne && !failed.isEmpty()) {
                deferred.addAll(named);
                continue;
            }
            try {
                fresh.putAll(lookUp(named, rows));
            } catch (VenueRest.RestException e) {
                if (named.size() == 1) {
                    failed.put(named.get(0), e.getMessage());
                } else {
                    deferred.addAll(named);
                }
            }
        }
        for (Event e : events) {
            if (failed.containsKey(e.ticker()) || deferred.contains(e.ticker())) {
                // Left out whole, so that its events are applied in order when its lookup works.
                rows.remove(e.ticker());
                continue;
            }
            if (fresh.containsKey(e.ticker())) {
                // REST shows the market as it is now, after this event.
                rows.put(e.ticker(), fresh.get(e.ticker()));
                if (e.opens()) {
                    continue;
                }
            }
            MarketRecord row = rows.get(e.ticker());
            if (row != null) {
                rows.put(e.ticker(), applied(row, e));
            }
        }
        SecurityMaster.SyncCounts counts = master.upsert(feed, new ArrayList<>(rows.values()), at);
        return new Applied(counts, failed, deferred);
    }

    /** Counts a market whose lookup failed every try: {@code ssmd_secmaster_markets_dropped_total{reason}}. */
    void countLookupFailed() {
        metrics.marketsDropped().labelValues(feed, LOOKUP_FAILED).inc();
    }

    /** The row after a closing or updating event. */
    static MarketRecord applied(MarketRecord row, Event e) {
        Map<String, String> f = row.fields();
        JsonNode msg = e.msg();
        switch (e.type()) {
            case "deactivated" -> {
                if (!e.opens()) {
                    f.put("status", MarketRecord.HALTED);
                    f.put("venue_status", "inactive");
                }
            }
            case "determined" -> {
                f.put("status", KalshiMarketSync.status("determined"));
                f.put("venue_status", "determined");
                Optional.ofNullable(SyncJson.text(msg, "result")).ifPresent(r -> f.put("result", r));
            }
            case "settled" -> {
                f.put("status", KalshiMarketSync.status("finalized"));
                f.put("venue_status", "finalized");
                epoch(msg, "settled_ts").ifPresent(t -> f.put("settled_at", t));
            }
            case "close_date_updated" -> epoch(msg, "close_ts").ifPresent(t -> f.put("close_time", t));
            default -> {
                // metadata_updated and others: nothing the security master tracks.
            }
        }
        return MarketRecord.of(row.feed(), row.instrument(), f, row.raw());
    }

    private static Optional<String> epoch(JsonNode msg, String field) {
        JsonNode v = msg.get(field);
        return v == null || !v.canConvertToLong()
                ? Optional.empty()
                : Optional.of(Instant.ofEpochSecond(v.asLong()).toString());
    }

    /** The markets as REST shows them now, as sync rows; the stored category when REST gives none. */
    private Map<String, MarketRecord> lookUp(List<String> tickers, Map<String, MarketRecord> stored)
            throws InterruptedException {
        Map<String, MarketRecord> found = new LinkedHashMap<>();
        Map<String, Optional<JsonNode>> events = new HashMap<>();
        String named = String.join(",", tickers);
        String cursor = "";
        do {
            JsonNode page = rest.get(VenueRest.resolve(
                    base,
                    "/markets?limit=" + KalshiDiscovery.TICKERS_PER_LOOKUP + "&tickers=" + VenueRest.encode(named)
                            + (cursor.isEmpty() ? "" : "&cursor=" + VenueRest.encode(cursor))));
            for (JsonNode m : page.path("markets")) {
                MarketRecord record = KalshiMarketSync.record(feed, m, eventOf(m, stored, events), Map.of());
                found.put(record.instrument(), record);
            }
            cursor = page.path("cursor").asText("");
        } while (!cursor.isEmpty());
        return found;
    }

    /**
     * The event to take the category from: none when the market carries one or the stored row has one (which is then
     * kept as the event), else {@code GET /events/{event_ticker}} once per event.
     */
    private JsonNode eventOf(JsonNode m, Map<String, MarketRecord> stored, Map<String, Optional<JsonNode>> events)
            throws InterruptedException {
        if (SyncJson.text(m, "category") != null) {
            return null;
        }
        MarketRecord row = stored.get(SyncJson.text(m, "ticker"));
        if (row != null && row.category() != null) {
            ObjectNode kept = JsonNodeFactory.instance.objectNode();
            kept.put("category", row.category());
            if (row.series() != null) {
                kept.put("series_ticker", row.series());
            }
            return kept;
        }
        String eventTicker = SyncJson.text(m, "event_ticker");
        if (eventTicker == null) {
            return null;
        }
        if (!events.containsKey(eventTicker)) {
            events.put(
                    eventTicker,
                    rest.get(VenueRest.resolve(base, "/events/" + VenueRest.encode(eventTicker)), true)
                            .map(e -> e.path("event")));
        }
        return events.get(eventTicker).filter(e -> !e.isMissingNode()).orElse(null);
    }
}
