package io.ssmd.feeds;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.feeds.kalshi.KalshiFeed;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.krakenfutures.KrakenFuturesFeed;
import io.ssmd.feeds.polymarket.PolymarketFeed;
import java.util.Optional;

/** The venue connectors of this build, by venue: the one place that knows every connector package. */
public final class Connectors {

    private Connectors() {
    }

    /**
     * The connector for an enabled feed, or empty when this build cannot run it yet (see the venue cases).
     *
     * @throws IllegalArgumentException naming the feed file and key, for settings the venue cannot run with
     */
    public static Optional<VenueConnector> forFeed(EnabledFeed feed) {
        return switch (feed.venue()) {
            case KRAKEN -> Optional.of(KrakenFeed.create(feed));
            case KRAKEN_FUTURES -> Optional.of(KrakenFuturesFeed.create(feed));
            // Polymarket and Kalshi take their instruments from discovery; until feed managers run it, only an
            // environment that lists instruments statically runs them (Kalshi's then go to "uncategorized").
            case POLYMARKET -> listsInstruments(feed) ? Optional.of(PolymarketFeed.create(feed)) : Optional.empty();
            case KALSHI -> listsInstruments(feed) ? Optional.of(KalshiFeed.create(feed)) : Optional.empty();
        };
    }

    private static boolean listsInstruments(EnabledFeed feed) {
        return !feed.instruments().isEmpty();
    }
}
