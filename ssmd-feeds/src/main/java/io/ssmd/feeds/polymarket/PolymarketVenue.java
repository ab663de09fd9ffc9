package io.ssmd.feeds.polymarket;

import io.ssmd.core.config.Discovery;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.InstrumentDiscovery;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.MarketSync;
import io.ssmd.feeds.VenueModule;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.WiredFeed;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Polymarket's CLOB market channel as ssmd runs it: {@link PolymarketFeed} and {@link PolymarketNormalizer} on the client side, {@link PolymarketReplayServer} on the server side. */
public final class PolymarketVenue implements VenueModule {

    private static final Normalizer NORMALIZER = new PolymarketNormalizer();

    @Override
    public Venue venue() {
        return Venue.POLYMARKET;
    }

    /**
     * A feed that lists no instruments finds them in Gamma's markets (active, open, most traded in the last 24 h
     * first, up to {@code discovery.max-instruments} assets, narrowed by the environment's {@code min-volume},
     * {@code min-liquidity} and {@code tags}).
     */
    @Override
    public WiredFeed wire(EnabledFeed feed) {
        return WiredFeed.of(new FeedConnector(feed, PolymarketFeed.create(feed), discovery(feed)));
    }

    private static Optional<InstrumentDiscovery> discovery(EnabledFeed feed) {
        if (feed.discovery().isEmpty()) {
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

    @Override
    public MarketSync marketSync(EnabledFeed feed, VenueRest rest) {
        return new PolymarketMarketSync(feed, rest);
    }

    @Override
    public Normalizer normalizer() {
        return NORMALIZER;
    }

    @Override
    public VenueServer replayServer(ReplaySettings settings) {
        return PolymarketReplayServer.create(settings);
    }

    @Override
    public List<String> defaultInstruments() {
        return PolymarketReplayServer.defaultInstruments();
    }

    @Override
    public List<String> syntheticInstruments(int n) {
        return PolymarketReplayServer.syntheticInstruments(n);
    }

    @Override
    public List<String> subscribeMessages(List<String> instruments) {
        return PolymarketReplayServer.subscribeMessages(instruments);
    }
}
