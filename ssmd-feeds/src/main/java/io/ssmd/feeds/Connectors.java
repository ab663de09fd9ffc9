package io.ssmd.feeds;

import io.ssmd.core.config.Discovery;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.feeds.kalshi.KalshiFeed;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.krakenfutures.KrakenFuturesFeed;
import io.ssmd.feeds.polymarket.PolymarketFeed;
import io.ssmd.core.shard.InstrumentDiscovery;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.polymarket.PolymarketDiscovery;
import io.ssmd.feeds.polymarket.PolymarketSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
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
            case POLYMARKET -> Optional.of(PolymarketFeed.create(feed));
            // Kalshi's subjects carry each market's category, which discovery supplies when the connector is built;
            // until feed managers build connectors from discovery, only statically listed markets run (their
            // category is then "uncategorized").
            case KALSHI -> listsInstruments(feed) ? Optional.of(KalshiFeed.create(feed)) : Optional.empty();
        };
    }

    /**
     * Where a feed that lists no instruments finds them: Polymarket's Gamma markets (active, open, most traded in
     * the last 24 h first, up to {@code discovery.max-instruments} assets, narrowed by the environment's
     * {@code min-volume}, {@code min-liquidity} and {@code tags}).
     */
    public static Optional<InstrumentDiscovery> discovery(EnabledFeed feed) {
        if (feed.venue() != Venue.POLYMARKET || feed.discovery().isEmpty()) {
            return Optional.empty();
        }
        PolymarketSettings settings = PolymarketSettings.create(feed);
        URI gamma = settings.discovery().orElseThrow(() -> new IllegalArgumentException(feed.definition().file()
                + ": endpoints.discovery: Polymarket discovery needs Gamma's base URL"));
        PolymarketDiscovery client = PolymarketDiscovery.create(gamma, HttpClient.newHttpClient(),
                PolymarketDiscovery.Retry.DEFAULT, Duration.ofSeconds(30));
        Discovery wanted = feed.discovery().get();
        PolymarketDiscovery.Filter filter = new PolymarketDiscovery.Filter(wanted.minVolume(), wanted.minLiquidity(),
                wanted.tags(), Optional.of("volume24hr"), wanted.maxInstruments(), 500);
        return Optional.of(() -> client.discover(filter).assetIds());
    }

    private static boolean listsInstruments(EnabledFeed feed) {
        return !feed.instruments().isEmpty();
    }
}
