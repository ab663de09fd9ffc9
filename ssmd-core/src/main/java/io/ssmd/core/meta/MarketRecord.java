package io.ssmd.core.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One instrument as a venue's sync sees it: what the security master stores in a {@code markets} row (DESIGN §15).
 * Every field but {@code feed}, {@code instrument} and {@code raw} is tracked: a change to it is a
 * {@code market_history} row and an outbox event. Absent values are null.
 *
 * @param instrument     the id the venue's WebSocket takes
 * @param venueId        the venue's own id of the market (Kalshi market_id, Kraken pair key, Polymarket condition id)
 * @param aliases        other names of the instrument (Kraken wsname and altname)
 * @param status         ssmd's status, one of {@link #STATUSES}
 * @param venueStatus    the venue's own word for it ({@code active}, {@code online}, {@code finalized}, ...)
 * @param rules          JSON object of the trading rules without a column of their own (sorted keys)
 * @param raw            the venue's object as fetched, quotes (prices, volumes) left out; not tracked
 */
public record MarketRecord(
        String feed,
        String instrument,
        String venueId,
        List<String> aliases,
        String title,
        String category,
        String series,
        String event,
        String status,
        String venueStatus,
        Instant openTime,
        Instant closeTime,
        Instant expirationTime,
        Instant settlementTime,
        String result,
        Instant settledAt,
        String tickSize,
        String minSize,
        Integer priceDecimals,
        Integer sizeDecimals,
        String rules,
        String raw) {

    public static final String UPCOMING = "upcoming";
    public static final String ACTIVE = "active";
    public static final String HALTED = "halted";
    public static final String CLOSED = "closed";
    public static final String SETTLED = "settled";
    public static final String REMOVED = "removed";

    /** ssmd's statuses: a market trades while {@code active}; {@code closed}, {@code settled}, {@code removed} end it. */
    public static final List<String> STATUSES = List.of(UPCOMING, ACTIVE, HALTED, CLOSED, SETTLED, REMOVED);

    /** The tracked fields, as their columns are named, in table order. */
    public static final List<String> FIELDS = List.of(
            "venue_id",
            "aliases",
            "title",
            "category",
            "series",
            "event",
            "status",
            "venue_status",
            "open_time",
            "close_time",
            "expiration_time",
            "settlement_time",
            "result",
            "settled_at",
            "tick_size",
            "min_size",
            "price_decimals",
            "size_decimals",
            "rules");

    static final List<String> TIME_FIELDS =
            List.of("open_time", "close_time", "expiration_time", "settlement_time", "settled_at");
    static final List<String> INT_FIELDS = List.of("price_decimals", "size_decimals");

    private static final ObjectMapper JSON = new ObjectMapper();

    public MarketRecord {
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(instrument, "instrument");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException(
                    "market " + feed + "/" + instrument + ": status must be one of " + STATUSES + ", got " + status);
        }
        openTime = micros(openTime);
        closeTime = micros(closeTime);
        expirationTime = micros(expirationTime);
        settlementTime = micros(settlementTime);
        settledAt = micros(settledAt);
        rules = rules == null || rules.isBlank() ? "{}" : rules;
        raw = raw == null || raw.isBlank() ? "{}" : raw;
    }

    /** Whether the market has ended: closed, settled or removed. */
    public boolean ended() {
        return ended(status);
    }

    public static boolean ended(String status) {
        return status.equals(CLOSED) || status.equals(SETTLED) || status.equals(REMOVED);
    }

    /** The tracked fields as text, as {@code market_history} records them: instants in ISO-8601, lists as JSON. */
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("venue_id", venueId);
        f.put("aliases", json(aliases));
        f.put("title", title);
        f.put("category", category);
        f.put("series", series);
        f.put("event", event);
        f.put("status", status);
        f.put("venue_status", venueStatus);
        f.put("open_time", text(openTime));
        f.put("close_time", text(closeTime));
        f.put("expiration_time", text(expirationTime));
        f.put("settlement_time", text(settlementTime));
        f.put("result", result);
        f.put("settled_at", text(settledAt));
        f.put("tick_size", tickSize);
        f.put("min_size", minSize);
        f.put("price_decimals", priceDecimals == null ? null : priceDecimals.toString());
        f.put("size_decimals", sizeDecimals == null ? null : sizeDecimals.toString());
        f.put("rules", rules);
        return f;
    }

    /** The record whose {@link #fields()} are {@code fields}. */
    public static MarketRecord of(String feed, String instrument, Map<String, String> f, String raw) {
        return new MarketRecord(
                feed,
                instrument,
                f.get("venue_id"),
                list(f.get("aliases")),
                f.get("title"),
                f.get("category"),
                f.get("series"),
                f.get("event"),
                f.get("status"),
                f.get("venue_status"),
                instant(f.get("open_time")),
                instant(f.get("close_time")),
                instant(f.get("expiration_time")),
                instant(f.get("settlement_time")),
                f.get("result"),
                instant(f.get("settled_at")),
                f.get("tick_size"),
                f.get("min_size"),
                f.get("price_decimals") == null ? null : Integer.valueOf(f.get("price_decimals")),
                f.get("size_decimals") == null ? null : Integer.valueOf(f.get("size_decimals")),
                f.get("rules"),
                raw);
    }

    public MarketRecord withStatus(String newStatus) {
        Map<String, String> f = fields();
        f.put("status", newStatus);
        return of(feed, instrument, f, raw);
    }

    /** Both databases keep microseconds: a finer instant would read back different and look like a change. */
    private static Instant micros(Instant t) {
        return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static String json(List<String> list) {
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("aliases is not a JSON list: " + json, e);
        }
    }
}
