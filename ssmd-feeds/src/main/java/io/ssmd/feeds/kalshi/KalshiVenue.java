package io.ssmd.feeds.kalshi;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.InstrumentDiscovery;
import io.ssmd.core.shard.MarketSelection;
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
import java.util.OptionalInt;
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
        MarketSelection selection = selection(discovery, settings.maxInstruments());
        InstrumentDiscovery instruments = () -> {
            KalshiUniverse universe = discovery.discover();
            categories.putAll(universe.categoryByTicker());
            return universe.tickers();
        };
        Optional<LiveInstruments> live = settings.lifecycle()
                ? Optional.of((system, env, nats, manager, secmaster, metrics) -> KalshiLifecycleWatcher.init(
                        system,
                        env,
                        settings,
                        KalshiDiscovery.create(settings),
                        categories,
                        nats,
                        manager,
                        secmaster.map(master -> new KalshiLifecycleSecmaster(
                                feed.name(),
                                settings.rest().orElseThrow(),
                                VenueRest.create(SecmasterSettings.create(
                                        system.settings().config())),
                                master,
                                metrics))))
                : Optional.empty();
        return new WiredFeed(
                new FeedConnector(feed, connector, Optional.of(instruments), Optional.of(selection)), live);
    }

    /**
     * Discovery's filters (categories, excluded categories, series) and cap ({@code discovery.max-instruments}) over
     * security-master markets, and the attributes a Kalshi shard routes by: category, series, event. Discovery keeps
     * the first {@code max-instruments} markets in the order Kalshi lists them (no ranking of its own); the security
     * master stores a sync's markets in that listing order (the sync reads the same {@code /events} listing, series by
     * series), so the first ones by row id are the ones discovery would keep.
     */
    static MarketSelection selection(KalshiDiscovery discovery, OptionalInt max) {
        return new MarketSelection() {
            @Override
            public OptionalInt maxInstruments() {
                return max;
            }

            @Override
            public boolean selects(Map<String, String> market) {
                return discovery.selects(new KalshiUniverse.Market(
                        market.get("instrument"),
                        text(market.get("event")),
                        text(market.get("series")),
                        text(market.get("category")),
                        text(market.get("status"))));
            }

            @Override
            public Map<String, String> attributes(Map<String, String> market) {
                Map<String, String> attributes = new java.util.HashMap<>();
                put(attributes, FeedShard.Start.CATEGORY, market.get("category"));
                put(attributes, FeedShard.Start.SERIES, market.get("series"));
                put(attributes, FeedShard.Start.EVENT, market.get("event"));
                return attributes;
            }
        };
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static void put(Map<String, String> attributes, String name, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(name, value);
        }
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
