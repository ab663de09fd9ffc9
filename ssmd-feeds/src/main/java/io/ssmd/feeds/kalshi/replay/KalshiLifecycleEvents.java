package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiProtocol.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.feeds.kalshi.replay.KalshiMarketCatalog.Market;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Market lifecycle on demand, for tests and demos of a universe that changes while ssmd runs:
 * {@code POST /control/lifecycle} with {@code {"event":"created","tickers":["KXBTCD-26AUG2017-T80000.99"]}} changes
 * the synthetic catalog (a created market exists but is not open; activated opens it; deactivated pauses it;
 * determined and settled end it) and every session subscribed to {@code market_lifecycle_v2} sends the matching
 * event, in the order the server took them.
 *
 * <p>The log is append-only and shared; each session remembers how far it has sent.
 */
final class KalshiLifecycleEvents extends AllDirectives {

    /** One event as the server took it. */
    record Event(String ticker, String type, Instant at) {}

    /** Event type → the status the market answers in REST afterwards (Kalshi's response statuses). */
    static final Map<String, String> STATUS_AFTER = Map.of(
            "created", KalshiMarketCatalog.INITIALIZED,
            "activated", KalshiMarketCatalog.ACTIVE,
            "deactivated", "inactive",
            "determined", "determined",
            "settled", "finalized");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KalshiMarketCatalog catalog;
    private final List<Event> log = new CopyOnWriteArrayList<>();

    KalshiLifecycleEvents(KalshiMarketCatalog catalog) {
        this.catalog = catalog;
    }

    /** How many events there have been: a new session starts sending from here. */
    int size() {
        return log.size();
    }

    /** The events from index {@code from} on. */
    List<Event> since(int from) {
        if (from >= log.size()) {
            return List.of();
        }
        // A snapshot of the array: a sub-list view would fail if an event were added while it is copied.
        Event[] all = log.toArray(new Event[0]);
        return from >= all.length ? List.of() : List.of(java.util.Arrays.copyOfRange(all, from, all.length));
    }

    /**
     * Applies one event to the catalog and logs it.
     *
     * @throws IllegalArgumentException for an unknown event type, a created market that exists, or another event
     *                                  about a market that does not
     */
    synchronized void apply(String type, String ticker) {
        String status = STATUS_AFTER.get(type);
        if (status == null) {
            throw new IllegalArgumentException("event must be one of " + STATUS_AFTER.keySet() + ", got " + type);
        }
        if (type.equals("created")) {
            if (!catalog.create(ticker)) {
                throw new IllegalArgumentException("market " + ticker + " exists already");
            }
        } else if (!catalog.status(ticker, status)) {
            throw new IllegalArgumentException("no market " + ticker);
        }
        log.add(new Event(ticker, type, Instant.now()));
    }

    /** {@code POST /control/lifecycle}. */
    Route route() {
        return path(
                PathMatchers.segment("control").slash("lifecycle"),
                () -> post(() -> entity(Unmarshaller.entityToString(), this::post)));
    }

    private Route post(String body) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return answer(StatusCodes.BAD_REQUEST, "body is not JSON: expected {\"event\":..., \"tickers\":[...]}");
        }
        String type = request == null ? "" : request.path("event").asText("");
        JsonNode tickers = request == null ? null : request.get("tickers");
        if (tickers == null || !tickers.isArray() || tickers.isEmpty()) {
            return answer(StatusCodes.BAD_REQUEST, "tickers must be a non-empty list of market tickers");
        }
        List<String> done = new ArrayList<>();
        for (JsonNode ticker : tickers) {
            try {
                apply(type, ticker.asText());
                done.add(ticker.asText());
            } catch (IllegalArgumentException e) {
                return answer(StatusCodes.BAD_REQUEST, e.getMessage() + " (applied before it: " + done + ")");
            }
        }
        ObjectNode ok = JSON.createObjectNode().put("event", type);
        done.forEach(ok.putArray("tickers")::add);
        return complete(StatusCodes.OK, HttpEntities.create(ContentTypes.APPLICATION_JSON, ok.toString()));
    }

    private Route answer(StatusCode status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message);
        return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }

    /**
     * {@code market_lifecycle_v2} as the current schema writes it (PROTOCOLS.md §1.10): {@code created} carries the
     * open and close times and {@code additional_metadata} with the event ticker; {@code determined} the result;
     * {@code deactivated} the pause flag.
     */
    static String frame(int sid, long seq, Event event, Market market) {
        StringBuilder b = KalshiFrames.envelope("market_lifecycle_v2", sid, seq, event.ticker());
        b.append(",\"event_type\":");
        quote(b, event.type());
        long ts = event.at().getEpochSecond();
        switch (event.type()) {
            case "created" -> {
                b.append(",\"open_ts\":")
                        .append(market.openTime().getEpochSecond())
                        .append(",\"close_ts\":")
                        .append(market.closeTime().getEpochSecond())
                        .append(",\"additional_metadata\":{\"name\":");
                quote(b, market.title());
                b.append(",\"title\":");
                quote(b, market.title());
                b.append(",\"yes_sub_title\":");
                quote(b, market.yesSubTitle());
                b.append(",\"no_sub_title\":");
                quote(b, market.yesSubTitle());
                b.append(",\"rules_primary\":\"\",\"rules_secondary\":\"\",\"can_close_early\":true,\"event_ticker\":");
                quote(b, market.eventTicker());
                b.append(",\"expected_expiration_ts\":")
                        .append(market.closeTime().getEpochSecond())
                        .append('}')
                        .append(",\"price_level_structure\":");
                quote(b, market.priceLevelStructure());
            }
            case "activated" -> b.append(",\"open_ts\":").append(ts);
            case "deactivated" -> b.append(",\"is_deactivated\":true");
            case "determined" ->
                b.append(",\"result\":\"yes\",\"determination_ts\":")
                        .append(ts)
                        .append(",\"settlement_value\":\"1.0000\"");
            case "settled" -> b.append(",\"settled_ts\":").append(ts);
            default -> {
                // Only the types of STATUS_AFTER are ever logged.
            }
        }
        return b.append("}}").toString();
    }
}
