package io.ssmd.core.meta;

import io.ssmd.core.subject.Venue;
import java.time.Instant;
import java.util.Optional;

/**
 * When a feed's venue trades.
 *
 * @param schedule JSON: {@code {"kind":"continuous"}} for a venue that never closes, {@code {"kind":"per-market"}}
 *                 where each market opens and closes on its own and the venue publishes no exchange-wide hours
 * @param source   where the calendar comes from, and what is not known
 */
public record FeedCalendar(
        String feedName,
        Instant effectiveFrom,
        Optional<Instant> effectiveTo,
        String timezone,
        String schedule,
        String source) {

    /** The calendar ssmd ships for a venue; registering a feed records it when the feed has none. */
    static Shipped shipped(Venue venue) {
        return switch (venue) {
            case KRAKEN, KRAKEN_FUTURES ->
                new Shipped(
                        "{\"kind\":\"continuous\",\"hours\":\"24/7\"}",
                        "crypto venue: trades around the clock; maintenance windows are announced by the venue"
                                + " (Kraken's status channel reports them as system=maintenance)");
            case KALSHI ->
                new Shipped(
                        "{\"kind\":\"per-market\",\"hours\":\"each market's open_time to close_time\"}",
                        "exchanges/PROTOCOLS.md gives no exchange-wide hours: markets carry open_time and close_time"
                                + " (REST market objects). Kalshi's own exchange schedule is not recorded here yet");
            case POLYMARKET ->
                new Shipped(
                        "{\"kind\":\"per-market\",\"hours\":\"24/7 until each market resolves\"}",
                        "exchanges/PROTOCOLS.md gives no trading hours: the CLOB runs continuously and each market"
                                + " closes when it resolves");
        };
    }

    record Shipped(String schedule, String source) {}
}
