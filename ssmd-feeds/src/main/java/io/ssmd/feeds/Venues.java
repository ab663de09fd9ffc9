package io.ssmd.feeds;

import io.ssmd.core.config.ClosestKey;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.kalshi.KalshiVenue;
import io.ssmd.feeds.kraken.KrakenVenue;
import io.ssmd.feeds.krakenfutures.KrakenFuturesVenue;
import io.ssmd.feeds.polymarket.PolymarketVenue;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The venues of this build: one {@link VenueModule} per {@link Venue}, the one place that knows every venue package.
 * Adding a venue is adding its package and one line here.
 */
public final class Venues {

    /** In the order of the demo's replay ports (9101 kraken, 9102 kraken-futures, ...). */
    private static final List<VenueModule> ALL =
            List.of(new KrakenVenue(), new KrakenFuturesVenue(), new KalshiVenue(), new PolymarketVenue());

    private static final Map<Venue, VenueModule> BY_VENUE = byVenue();

    private Venues() {}

    /** Every venue, in the demo's port order. */
    public static List<VenueModule> all() {
        return ALL;
    }

    /** The venues' ids, in the demo's port order. */
    public static List<String> ids() {
        return ALL.stream().map(VenueModule::id).toList();
    }

    public static VenueModule of(Venue venue) {
        return BY_VENUE.get(venue);
    }

    /**
     * The connector, discovery and live instrument changes of an enabled feed, from its venue's module.
     *
     * @throws IllegalArgumentException naming the feed file and key, for settings the venue cannot run with
     */
    public static WiredFeed wire(EnabledFeed feed) {
        WiredFeed wired = of(feed.venue()).wire(feed);
        VenueChecks.liveness(feed.definition(), wired.feed().connector());
        return wired;
    }

    /** @throws IllegalArgumentException naming the venues (and the closest one), for an unknown id */
    public static VenueModule byId(String id) {
        return ALL.stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow(() -> {
            String hint = ClosestKey.to(id, ids())
                    .map(c -> " (did you mean " + c + "?)")
                    .orElse("");
            return new IllegalArgumentException(
                    "unknown venue '" + id + "'" + hint + "; ssmd speaks " + String.join(", ", ids()));
        });
    }

    private static Map<Venue, VenueModule> byVenue() {
        Map<Venue, VenueModule> map = new EnumMap<>(Venue.class);
        for (VenueModule module : ALL) {
            if (map.put(module.venue(), module) != null) {
                throw new IllegalStateException("two venue modules for " + module.venue());
            }
        }
        for (Venue venue : Venue.values()) {
            if (!map.containsKey(venue)) {
                throw new IllegalStateException("no venue module for " + venue.id() + ": add one to Venues");
            }
        }
        return map;
    }
}
