package io.ssmd.feeds.polymarket;

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

/**
 * How ssmd's shards talk to Polymarket's CLOB market channel: the public endpoint, no handshake headers, the
 * initial subscription (plus dynamic subscribes past {@value PolymarketSettings#MAX_ASSETS_PER_FRAME} ids), the
 * plain-text {@code PING} keepalive, and a {@link PolymarketDecoder} per connection.
 *
 * <p>Keepalive: Polymarket closes connections whose client sends no {@code PING} (every 10 s is the documented
 * habit), and Pekko hides WebSocket protocol pings, so {@link PolymarketProtocol#PING} goes out every
 * {@code keepalive.ping-interval} of the feed file (10 s); its text {@code PONG} is counted as a pong, never
 * published and never parsed as JSON.
 */
public final class PolymarketFeed implements VenueConnector {
    /**
     * Every event carries {@code timestamp} (epoch ms as a string); a {@code book} event is the snapshot of a
     * subscription and is not measured.
     */
    public static final VenueClock VENUE_CLOCK =
            VenueClock.millisField("timestamp").unless("\"event_type\":\"book\"");

    private final PolymarketSettings settings;
    private final Map<String, String> conditionByAsset;

    private PolymarketFeed(PolymarketSettings settings, Map<String, String> conditionByAsset) {
        this.settings = settings;
        this.conditionByAsset = Map.copyOf(conditionByAsset);
    }

    /**
     * The connector of an enabled Polymarket feed.
     *
     * @throws IllegalArgumentException when the feed is not usable for Polymarket (see {@link PolymarketSettings#create})
     */
    public static PolymarketFeed create(EnabledFeed feed) {
        return new PolymarketFeed(PolymarketSettings.create(feed), Map.of());
    }

    /**
     * The connector for settings already read, knowing the markets of some assets beforehand (a discovery's
     * {@link PolymarketDiscovery.Universe#conditionByAsset()}); events name their market anyway, so it may be empty.
     */
    public static PolymarketFeed create(PolymarketSettings settings, Map<String, String> conditionByAsset) {
        return new PolymarketFeed(settings, conditionByAsset);
    }

    public PolymarketSettings settings() {
        return settings;
    }

    @Override
    public String venue() {
        return Venue.POLYMARKET.id();
    }

    @Override
    public ConnectTarget target() {
        return ConnectTarget.of(settings.websocket());
    }

    @Override
    public List<String> subscribe(List<String> instruments) {
        return PolymarketProtocol.subscribe(
                instruments, settings.customFeatures(), PolymarketSettings.MAX_ASSETS_PER_FRAME);
    }

    @Override
    public Optional<String> keepalive() {
        return Optional.of(PolymarketProtocol.PING);
    }

    /** The market channel starts each asset with a {@code book} event. */
    @Override
    public boolean booksOnSubscribe() {
        return true;
    }

    @Override
    public VenueClock venueClock() {
        return VENUE_CLOCK;
    }

    @Override
    public FrameDecoder decoder(ShardContext shard) {
        return PolymarketDecoder.create(shard, settings.customFeatures(), conditionByAsset);
    }

    /**
     * The frames that add assets to a running connection (the dynamic {@code subscribe} operation, with a fresh
     * book for each), for the machinery that will move instruments between running shards.
     */
    public List<String> addAssets(List<String> assets) {
        return chunks("subscribe", assets);
    }

    /** The frames that remove assets from a running connection (closed markets). */
    public List<String> removeAssets(List<String> assets) {
        return chunks("unsubscribe", assets);
    }

    private List<String> chunks(String operation, List<String> assets) {
        int per = PolymarketSettings.MAX_ASSETS_PER_FRAME;
        List<String> frames = new ArrayList<>();
        for (int from = 0; from < assets.size(); from += per) {
            frames.add(PolymarketProtocol.operation(
                    operation, assets.subList(from, Math.min(assets.size(), from + per)), settings.customFeatures()));
        }
        return frames;
    }

    @Override
    public List<String> addLive(List<String> instruments) {
        return addAssets(instruments);
    }

    @Override
    public List<String> removeLive(List<String> instruments) {
        return removeAssets(instruments);
    }

    @Override
    public boolean changesLive() {
        return true;
    }
}
