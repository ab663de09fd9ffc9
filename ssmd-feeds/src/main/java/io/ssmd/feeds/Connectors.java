package io.ssmd.feeds;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.krakenfutures.KrakenFuturesFeed;
import io.ssmd.feeds.polymarket.PolymarketFeed;
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
            // Polymarket needs discovery-driven shards (its instruments come from Gamma); until the feed manager
            // runs discovery, only an environment that lists asset ids statically gets a Polymarket connector.
            case POLYMARKET -> feed.discovery().isPresent() && feed.instruments().isEmpty() ? Optional.empty()
                    : Optional.of(PolymarketFeed.create(feed));
            default -> Optional.empty();
        };
    }
}
