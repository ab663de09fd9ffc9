package io.ssmd.feeds.kalshi;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.InstrumentDiscovery;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.LiveInstruments;
import io.ssmd.feeds.MarketSync;
import io.ssmd.feeds.VenueModule;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.WiredFeed;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Kalshi (WebSocket v2) as ssmd runs it: {@link KalshiFeed} and {@link KalshiNormalizer} on the client side, {@link KalshiReplayServer} on the server side. */
public final class KalshiVenue implements VenueModule {

    private static final Normalizer NORMALIZER = new KalshiNormalizer();

    @Override
    public Venue venue() {
        return Venue.KALSHI;
    }

    /**
     * One concurrent ticker → category map, filled by discovery (every market, event and series it saw) and by the
     * lifecycle watcher (markets that open later), read by every decoder of the feed. With discovery, the manager's
     * instruments are the open markets of the selected categories and series, and the lifecycle watcher adds and
     * removes markets as they open and close. Without discovery every market is uncategorized.
     */
    @Override
    public WiredFeed wire(EnabledFeed feed) {
        KalshiSettings settings = KalshiSettings.create(feed);
        Map<String, String> categories = new ConcurrentHashMap<>();
        KalshiFeed connector = KalshiFeed.create(settings, categories::get);
        if (feed.discovery().isEmpty() || !feed.instruments().isEmpty()) {
            return WiredFeed.of(new FeedConnector(feed, connector));
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
        return new WiredFeed(new FeedConnector(feed, connector, Optional.of(instruments)), live);
    }

    @Override
    public MarketSync marketSync(EnabledFeed feed, VenueRest rest) {
        return new KalshiMarketSync(feed, rest);
    }

    @Override
    public Normalizer normalizer() {
        return NORMALIZER;
    }

    /**
     * Kalshi numbers the messages of each subscription: {@code seq} counts per {@code sid} (book and lifecycle
     * channels), so a sequence going back is judged per subscription of one connection.
     */
    @Override
    public io.ssmd.core.meta.QualityProbe qualityProbe() {
        return new io.ssmd.feeds.VenueQualityProbe(id(), NORMALIZER, (type, message) -> {
            if (!message.path("seq").canConvertToLong() || !message.path("sid").canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new io.ssmd.feeds.VenueQualityProbe.Seq(
                    Optional.of("sid " + message.path("sid").asLong()),
                    message.path("seq").asLong()));
        });
    }

    @Override
    public VenueServer replayServer(ReplaySettings settings) {
        return KalshiReplayServer.create(settings);
    }

    @Override
    public List<String> defaultInstruments() {
        return KalshiReplayServer.defaultInstruments();
    }

    @Override
    public List<String> syntheticInstruments(int n) {
        return KalshiReplayServer.syntheticInstruments(n);
    }

    @Override
    public List<String> subscribeMessages(List<String> instruments) {
        return KalshiReplayServer.subscribeMessages(instruments);
    }
}
