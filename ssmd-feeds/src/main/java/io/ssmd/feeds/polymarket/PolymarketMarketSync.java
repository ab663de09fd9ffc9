package io.ssmd.feeds.polymarket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.feeds.MarketSync;
import io.ssmd.feeds.SyncJson;
import io.ssmd.feeds.VenueRest;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Polymarket's markets for the security master from Gamma (PROTOCOLS.md §4.5): {@code GET {discovery}/markets}
 * page by page ({@code limit}, {@code offset}) for the markets not closed ({@code closed=false}) and those closed
 * with an end date within {@code closed-within} ({@code closed=true&end_date_min=...}). One row per CLOB token (the
 * WebSocket's asset id) with its market's condition id as the venue id, the question and the token's outcome as
 * title, end date, tick size ({@code orderPriceMinTickSize}), minimum size and, in the rules, neg-risk, the outcome
 * and the other token. {@code clobTokenIds} and {@code outcomes} are JSON-encoded strings on Gamma (arrays in older
 * answers: both are read). Offset pages shift while markets open and close, so a token seen twice is kept once.
 *
 * <p>Statuses: a closed market is settled when UMA resolved it ({@code umaResolutionStatus} "resolved"), else closed;
 * an open market is active when it accepts orders with its order book on, halted when not, upcoming when not active.
 */
public final class PolymarketMarketSync implements MarketSync {

    private final String feed;
    private final URI base;
    private final VenueRest rest;

    PolymarketMarketSync(EnabledFeed feed, VenueRest rest) {
        this.feed = feed.name();
        this.base = feed.definition()
                .endpoints()
                .discoveryBase()
                .orElseThrow(
                        () -> new IllegalArgumentException(feed.definition().file()
                                + ": endpoints.discovery (Gamma, https://gamma-api.polymarket.com) is needed to sync"
                                + " Polymarket's markets"));
        this.rest = rest;
    }

    @Override
    public Fetched fetch(Consumer<String> progress) throws InterruptedException {
        Instant cutoff = Instant.now().minus(rest.settings().closedWithin());
        Map<String, MarketRecord> tokens = new LinkedHashMap<>();
        int limit = rest.settings().pageLimit();
        for (String closed :
                List.of("closed=false", "closed=true&end_date_min=" + VenueRest.encode(cutoff.toString()))) {
            for (int offset = 0; ; offset += limit) {
                JsonNode page = rest.get(
                        VenueRest.resolve(base, "/markets?" + closed + "&limit=" + limit + "&offset=" + offset));
                if (!page.isArray()) {
                    throw new IllegalStateException("Gamma /markets answered something other than an array");
                }
                for (JsonNode market : page) {
                    for (MarketRecord record : records(feed, market)) {
                        if (!(record.ended()
                                && record.closeTime() != null
                                && record.closeTime().isBefore(cutoff))) {
                            tokens.put(record.instrument(), record);
                        }
                    }
                }
                progress.accept(feed + ": gamma "
                        + closed.substring(0, closed.indexOf('&') < 0 ? closed.length() : closed.indexOf('&'))
                        + " offset " + offset + ", " + tokens.size() + " tokens so far");
                if (page.size() < limit) {
                    break;
                }
            }
        }
        return new Fetched(new ArrayList<>(tokens.values()), true);
    }

    /** One row per token of a Gamma market object; none when it lists no tokens. */
    static List<MarketRecord> records(String feed, JsonNode m) {
        List<String> tokens = list(m.get("clobTokenIds"));
        List<String> outcomes = list(m.get("outcomes"));
        String condition = SyncJson.text(m, "conditionId");
        String question = SyncJson.text(m, "question");
        boolean closed = m.path("closed").asBoolean(false);
        boolean active = m.path("active").asBoolean(true);
        boolean accepting = m.path("acceptingOrders").asBoolean(true)
                && m.path("enableOrderBook").asBoolean(true);
        String status;
        String venueStatus;
        if (closed || m.path("archived").asBoolean(false)) {
            boolean resolved = "resolved".equalsIgnoreCase(SyncJson.text(m, "umaResolutionStatus"));
            status = resolved ? MarketRecord.SETTLED : MarketRecord.CLOSED;
            venueStatus = resolved ? "resolved" : "closed";
        } else if (!active) {
            status = MarketRecord.UPCOMING;
            venueStatus = "inactive";
        } else {
            status = accepting ? MarketRecord.ACTIVE : MarketRecord.HALTED;
            venueStatus = accepting ? "accepting_orders" : "not_accepting_orders";
        }
        List<String> prices = list(m.get("outcomePrices"));
        JsonNode event = m.path("events").path(0);
        String category = SyncJson.text(m, "category");
        if (category == null && !event.isMissingNode()) {
            category = SyncJson.text(event, "category");
        }
        String tick = SyncJson.text(m, "orderPriceMinTickSize");
        String raw = SyncJson.without(m, PolymarketMarketSync::quote);
        List<MarketRecord> records = new ArrayList<>();
        for (int k = 0; k < tokens.size(); k++) {
            String outcome = k < outcomes.size() ? outcomes.get(k) : null;
            String result = null;
            if (status.equals(MarketRecord.SETTLED) && k < prices.size()) {
                result = prices.get(k).startsWith("1") ? "win" : "lose";
            }
            Map<String, Object> rules = new LinkedHashMap<>();
            rules.put("neg_risk", m.path("negRisk").asBoolean(false));
            if (outcome != null) {
                rules.put("outcome", outcome);
            }
            rules.put("outcome_index", k);
            if (tokens.size() == 2) {
                rules.put("complement", tokens.get(1 - k));
            }
            records.add(new MarketRecord(
                    feed,
                    tokens.get(k),
                    condition,
                    SyncJson.text(m, "slug") == null
                            ? List.of()
                            : List.of(SyncJson.text(m, "slug") + ":" + lower(outcome)),
                    question == null ? null : question + (outcome == null ? "" : " [" + outcome + "]"),
                    category,
                    event.isMissingNode() ? null : SyncJson.text(event, "slug"),
                    condition,
                    status,
                    venueStatus,
                    SyncJson.instant(m, "startDate"),
                    SyncJson.instant(m, "endDate"),
                    null,
                    null,
                    result,
                    status.equals(MarketRecord.SETTLED) ? SyncJson.instant(m, "closedTime") : null,
                    tick,
                    SyncJson.text(m, "orderMinSize"),
                    SyncJson.decimals(tick),
                    2,
                    SyncJson.sorted(rules),
                    raw));
        }
        return records;
    }

    private static String lower(String outcome) {
        return outcome == null ? "" : outcome.toLowerCase(Locale.ROOT);
    }

    /** Prices, volumes, liquidity: they change all day and belong to market data, not to the security master. */
    private static boolean quote(String field) {
        if (field.equals("orderPriceMinTickSize")) {
            return false;
        }
        String f = field.toLowerCase(Locale.ROOT);
        return f.contains("price")
                || f.contains("volume")
                || f.contains("liquidity")
                || f.contains("bid")
                || f.contains("ask")
                || f.contains("spread")
                || f.equals("updatedat");
    }

    /** A JSON array, or a JSON-encoded string of one (Gamma's {@code clobTokenIds}, {@code outcomes}). */
    static List<String> list(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        JsonNode array = node;
        if (node.isTextual()) {
            try {
                array = SyncJson.mapper().readTree(node.asText());
            } catch (JsonProcessingException e) {
                return List.of();
            }
        }
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
