package io.ssmd.feeds.kalshi;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.ConnectTarget;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.VenueClock;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.subject.Venue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How ssmd's shards talk to Kalshi Trade API WebSocket v2: a handshake signed anew for every connection, subscribe
 * commands of at most {@link KalshiSettings#maxMarketsPerSubscribe()} markets on the configured per-market channels,
 * {@code list_subscriptions} as the keepalive, and a {@link KalshiDecoder} per connection.
 *
 * <p>Subjects carry the market's category ({@code {env}.kalshi.{category}.json.{type}.{token}}), which only
 * discovery knows: the feed is created with a lookup from ticker to category, and a market it does not know is
 * {@code uncategorized}.
 *
 * <p>{@code market_lifecycle_v2} ignores ticker filters (every market, every time), so it is never part of a market
 * shard's subscribe: {@link #lifecycleConnector()} is the connector of the one shard that carries it.
 */
public final class KalshiFeed implements VenueConnector {
    /**
     * Deltas, tickers and trades carry {@code ts_ms} (when Kalshi stamped the message); a book snapshot carries no time
     * and is not measured.
     */
    public static final VenueClock VENUE_CLOCK = VenueClock.millisField("ts_ms");

    /** The companion shard's name: {@code kalshi-lifecycle}. */
    public static final String LIFECYCLE_SHARD = "lifecycle";

    private final KalshiSettings settings;
    private final Optional<KalshiSigner> signer;
    private final Function<String, String> categoryOf;
    private final boolean lifecycleOnly;

    private KalshiFeed(
            KalshiSettings settings,
            Optional<KalshiSigner> signer,
            Function<String, String> categoryOf,
            boolean lifecycleOnly) {
        this.settings = settings;
        this.signer = signer;
        this.categoryOf = categoryOf;
        this.lifecycleOnly = lifecycleOnly;
    }

    /**
     * The connector of an enabled Kalshi feed whose markets' categories are not known (all {@code uncategorized}).
     *
     * @throws IllegalArgumentException when the settings are unusable ({@link KalshiSettings#create}) or the private
     *                                  key file holds no RSA key
     */
    public static KalshiFeed create(EnabledFeed feed) {
        return create(feed, Map.of());
    }

    /** The connector of an enabled Kalshi feed, with discovery's ticker → category map. */
    public static KalshiFeed create(EnabledFeed feed, Map<String, String> categoryByTicker) {
        Map<String, String> copy = Map.copyOf(categoryByTicker);
        return create(KalshiSettings.create(feed), copy::get);
    }

    /**
     * The connector for settings already read, with a live category lookup (a concurrent map's {@code get}, so that
     * markets discovery adds later get their category).
     */
    public static KalshiFeed create(KalshiSettings settings, Function<String, String> categoryOf) {
        return new KalshiFeed(settings, settings.credentials().map(KalshiSigner::create), categoryOf, false);
    }

    /** The connector for settings, a signer and a category lookup already built (tests). */
    public static KalshiFeed create(
            KalshiSettings settings, Optional<KalshiSigner> signer, Function<String, String> categoryOf) {
        return new KalshiFeed(settings, signer, categoryOf, false);
    }

    /** This feed's lifecycle connection: same endpoint and signature, only {@code market_lifecycle_v2}. */
    public KalshiFeed lifecycleConnector() {
        return new KalshiFeed(settings, signer, categoryOf, true);
    }

    public KalshiSettings settings() {
        return settings;
    }

    @Override
    public String venue() {
        return Venue.KALSHI.id();
    }

    /** Signed now: each (re)connection carries a fresh timestamp. The headers are never logged. */
    @Override
    public ConnectTarget target() {
        return new ConnectTarget(
                settings.websocket(), signer.map(KalshiSigner::headers).orElse(Map.of()));
    }

    /**
     * One {@code subscribe} per batch of at most {@link KalshiSettings#maxMarketsPerSubscribe()} markets, ids 1, 2,
     * ... in order, all per-market channels in each: Kalshi acks the first with one {@code subscribed} per channel
     * and the next ones with {@code ok} on the same sids. No frames for no markets ({@code orderbook_delta} needs
     * tickers; an empty shard is normal). The lifecycle connector ignores the instruments and subscribes
     * {@code market_lifecycle_v2} alone.
     */
    @Override
    public List<String> subscribe(List<String> instruments) {
        if (lifecycleOnly) {
            return List.of(KalshiProtocol.subscribeAllMarkets(1, KalshiProtocol.MARKET_LIFECYCLE));
        }
        if (instruments.isEmpty() || settings.channels().isEmpty()) {
            return List.of();
        }
        List<List<String>> batches = batches(instruments, settings.maxMarketsPerSubscribe());
        List<String> frames = new ArrayList<>(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            frames.add(KalshiProtocol.subscribe(i + 1, settings.channels(), batches.get(i)));
        }
        return frames;
    }

    /**
     * The lifecycle connection as the feed's companion shard {@code kalshi-lifecycle}, when {@code market_lifecycle_v2}
     * is configured; the lifecycle connector itself has none.
     */
    @Override
    public Optional<Companion> companion() {
        return lifecycleOnly || !settings.lifecycle()
                ? Optional.empty()
                : Optional.of(new Companion(LIFECYCLE_SHARD, lifecycleConnector()));
    }

    /** Kalshi pings at the WebSocket level, which Pekko hides: {@code list_subscriptions} is the app-level ping. */
    /**
     * {@code orderbook_delta} data (snapshots and deltas) goes on {@code orderbook} subjects, {@code ticker} and
     * {@code trade} on their own. Liveness is off for Kalshi (a quiet market is normal); a feed file that turns it on
     * gets reports only: a resubscribe needs the connection's sids, which only its decoder knows.
     */
    @Override
    public Optional<String> subjectType(String channel) {
        return switch (channel) {
            case KalshiProtocol.ORDERBOOK_DELTA -> Optional.of("orderbook");
            case KalshiProtocol.TICKER, KalshiProtocol.TRADE -> Optional.of(channel);
            default -> Optional.empty();
        };
    }

    @Override
    public Optional<String> keepalive() {
        return Optional.of(KalshiProtocol.LIST_SUBSCRIPTIONS);
    }

    /** {@code orderbook_delta} starts each market with a snapshot; the lifecycle connection has no books. */
    @Override
    public boolean booksOnSubscribe() {
        return !lifecycleOnly && settings.channels().contains(KalshiProtocol.ORDERBOOK_DELTA);
    }

    @Override
    public VenueClock venueClock() {
        return VENUE_CLOCK;
    }

    @Override
    public FrameDecoder decoder(ShardContext shard) {
        return KalshiDecoder.create(shard, settings, categoryOf);
    }

    /** The markets cut into consecutive batches of at most {@code size}, in order. */
    static List<List<String>> batches(List<String> markets, int size) {
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < markets.size(); from += size) {
            batches.add(List.copyOf(markets.subList(from, Math.min(markets.size(), from + size))));
        }
        return batches;
    }
}
