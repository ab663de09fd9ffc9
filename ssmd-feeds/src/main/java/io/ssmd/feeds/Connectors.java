package io.ssmd.feeds;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.krakenfutures.KrakenFuturesFeed;
import java.util.Optional;

/** The venue connectors of this build, by venue: the one place that knows every connector package. */
public final class Connectors {

    private Connectors() {
    }

    /**
     * The connector for an enabled feed, or empty when this build has none for its venue yet.
     *
     * @throws IllegalArgumentException naming the feed file and key, for settings the venue cannot run with
     */
    public static Optional<VenueConnector> forFeed(EnabledFeed feed) {
        return switch (feed.venue()) {
            case KRAKEN -> Optional.of(KrakenFeed.create(feed));
            case KRAKEN_FUTURES -> Optional.of(KrakenFuturesFeed.create(feed));
            default -> Optional.empty();
        };
    }
}
