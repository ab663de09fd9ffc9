package io.ssmd.feeds;

import io.nats.client.Connection;
import io.ssmd.core.config.Discovery;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.shard.InstrumentDiscovery;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.kalshi.KalshiDiscovery;
import io.ssmd.feeds.kalshi.KalshiFeed;
import io.ssmd.feeds.kalshi.KalshiLifecycleWatcher;
import io.ssmd.feeds.kalshi.KalshiSettings;
import io.ssmd.feeds.kalshi.KalshiUniverse;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.krakenfutures.KrakenFuturesFeed;
import io.ssmd.feeds.polymarket.PolymarketDiscovery;
import io.ssmd.feeds.polymarket.PolymarketFeed;
import io.ssmd.feeds.polymarket.PolymarketSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/** The venue connectors of this build, by venue: the one place that knows every connector package. */
public final class Connectors {

    private Connectors() {}

    /**
     * The connector for an enabled feed, or empty when this build cannot run it yet. For a discovered Kalshi feed use
     * {@link #wire}, which shares the category map between discovery and the connector.
     *
     * @throws IllegalArgumentException naming the feed file and key, for settings the venue cannot run with
     */
    public static Optional<VenueConnector> forFeed(EnabledFeed feed) {
        return switch (feed.venue()) {
            case KRAKEN -> Optional.of(KrakenFeed.create(feed));
            case KRAKEN_FUTURES -> Optional.of(KrakenFuturesFeed.create(feed));
            case POLYMARKET -> Optional.of(PolymarketFeed.create(feed));
            // Without discovery's categories every market is uncategorized: a discovered feed goes through wire().
            case KALSHI -> Optional.of(KalshiFeed.create(feed));
        };
    }

    /**
     * What runs beside a feed's manager and changes its instruments live (Kalshi's lifecycle watcher): started once
     * the manager is, with the manager's address.
     */
    @FunctionalInterface
    public interface LiveInstruments {
        void start(ActorSystem<?> system, String env, Connection nats, ActorRef<FeedManager.Command> manager);
    }

    /**
     * A feed ready to run: its connector and discovery built together (so that, for Kalshi, discovery fills the
     * category map the connector's decoders read), and what keeps its instruments current, if anything.
     */
    public record Wired(FeedConnector feed, Optional<LiveInstruments> live) {}

    /**
     * The connector, discovery and live changes of an enabled feed; empty when this build cannot run the venue.
     *
     * @throws IllegalArgumentException naming the feed file and key, for settings the venue cannot run with
     */
    public static Optional<Wired> wire(EnabledFeed feed) {
        if (feed.venue() == Venue.KALSHI) {
            return Optional.of(kalshi(feed));
        }
        return forFeed(feed)
                .map(connector -> new Wired(new FeedConnector(feed, connector, discovery(feed)), Optional.empty()));
    }

    /**
     * Kalshi: one concurrent ticker → category map, filled by discovery (every market, event and series it saw) and
     * by the lifecycle watcher (markets that open later), read by every decoder of the feed. With discovery, the
     * manager's instruments are the open markets of the selected categories and series, and the lifecycle watcher
     * adds and removes markets as they open and close.
     */
    private static Wired kalshi(EnabledFeed feed) {
        KalshiSettings settings = KalshiSettings.create(feed);
        Map<String, String> categories = new ConcurrentHashMap<>();
        KalshiFeed connector = KalshiFeed.create(settings, categories::get);
        if (feed.discovery().isEmpty() || !feed.instruments().isEmpty()) {
            return new Wired(new FeedConnector(feed, connector), Optional.empty());
        }
        KalshiDiscovery discovery = KalshiDiscovery.create(settings);
        InstrumentDiscovery instruments = () -> {
            KalshiUniverse universe = discovery.discover();
            categories.putAll(universe.categoryByTicker());
            return universe.tickers();
        };
        Optional<LiveInstruments> live = settings.lifecycle()
                ? Optional.of((system, env, nats, manager) -> KalshiLifecycleWatcher.init(
                        system, env, settings, KalshiDiscovery.create(settings), categories, nats, manager))
                : Optional.empty();
        return new Wired(new FeedConnector(feed, connector, Optional.of(instruments)), live);
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
        URI gamma = settings.discovery()
                .orElseThrow(() -> new IllegalArgumentException(feed.definition()
                                .file() + ": endpoints.discovery: Polymarket discovery needs Gamma's base URL"));
        PolymarketDiscovery client = PolymarketDiscovery.create(
                gamma, HttpClient.newHttpClient(), PolymarketDiscovery.Retry.DEFAULT, Duration.ofSeconds(30));
        Discovery wanted = feed.discovery().get();
        PolymarketDiscovery.Filter filter = new PolymarketDiscovery.Filter(
                wanted.minVolume(),
                wanted.minLiquidity(),
                wanted.tags(),
                Optional.of("volume24hr"),
                wanted.maxInstruments(),
                500);
        return Optional.of(() -> client.discover(filter).assetIds());
    }
}
