package io.ssmd.feeds.polymarket;

import io.ssmd.core.config.Discovery;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.InstrumentDiscovery;
import io.ssmd.core.shard.MarketSelection;
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
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

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
        Optional<PolymarketDiscovery.Filter> filter = filter(feed);
        Optional<PolymarketDiscovery> client = filter.map(f -> client(feed));
        Optional<InstrumentDiscovery> discovery =
                client.map(c -> () -> c.discover(filter.get()).assetIds());
        Optional<MarketSelection> selection =
                feed.instruments().isEmpty() ? client.map(c -> selection(c, filter.get())) : Optional.empty();
        return WiredFeed.of(new FeedConnector(feed, PolymarketFeed.create(feed), discovery, selection));
    }

    /**
     * The security master's Polymarket tokens as discovery would choose them: whole markets (a condition's tokens
     * together), at most {@code max-instruments} tokens, best first by Gamma's ranking. The ranking (24 h volume, after
     * {@code min-volume}, {@code min-liquidity} and {@code tags}) is what the security master does not hold (quotes
     * are left out of it), so the manager asks Gamma for it when it loads and every rediscover interval, read to twice
     * the cap: the places freed between two rankings have a reserve to come from, and a running token leaves only
     * when it falls out of that reserve, at twice discovery's cost. Without a cap or a filter there is nothing to rank
     * and every active token runs.
     */
    static MarketSelection selection(PolymarketDiscovery client, PolymarketDiscovery.Filter filter) {
        boolean ranks = filter.maxAssets().isPresent()
                || filter.minVolume().isPresent()
                || filter.minLiquidity().isPresent()
                || !filter.tagIds().isEmpty();
        PolymarketDiscovery.Filter reserve = new PolymarketDiscovery.Filter(
                filter.minVolume(),
                filter.minLiquidity(),
                filter.tagIds(),
                filter.order(),
                filter.maxAssets().isPresent()
                        ? OptionalInt.of((int) Math.min(
                                Integer.MAX_VALUE, 2L * filter.maxAssets().getAsInt()))
                        : OptionalInt.empty(),
                filter.pageSize());
        return new MarketSelection() {
            @Override
            public boolean selects(Map<String, String> market) {
                return true;
            }

            @Override
            public Map<String, String> attributes(Map<String, String> market) {
                return Map.of();
            }

            @Override
            public OptionalInt maxInstruments() {
                return filter.maxAssets();
            }

            /** A market's tokens share its condition id, the row's {@code event}. */
            @Override
            public String group(Map<String, String> market) {
                return market.get("event");
            }

            @Override
            public Optional<Ranking> ranking() {
                return ranks ? Optional.of(() -> client.discover(reserve).assetIds()) : Optional.empty();
            }
        };
    }

    private static PolymarketDiscovery client(EnabledFeed feed) {
        PolymarketSettings settings = PolymarketSettings.create(feed);
        URI gamma = settings.discovery()
                .orElseThrow(() -> new IllegalArgumentException(feed.definition()
                                .file() + ": endpoints.discovery: Polymarket discovery needs Gamma's base URL"));
        return PolymarketDiscovery.create(
                gamma, HttpClient.newHttpClient(), PolymarketDiscovery.Retry.DEFAULT, Duration.ofSeconds(30));
    }

    private static Optional<PolymarketDiscovery.Filter> filter(EnabledFeed feed) {
        if (feed.discovery().isEmpty()) {
            return Optional.empty();
        }
        Discovery wanted = feed.discovery().get();
        return Optional.of(new PolymarketDiscovery.Filter(
                wanted.minVolume(),
                wanted.minLiquidity(),
                wanted.tags(),
                Optional.of("volume24hr"),
                wanted.maxInstruments(),
                500));
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
