package io.ssmd.feeds.polymarket;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.VenueChecks;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a Polymarket CLOB market-channel connection needs, read once from the feed and checked for what the config
 * loader cannot know about this venue.
 *
 * @param feed                 the feed name (subjects, shard names)
 * @param file                 the feed file, named in errors
 * @param websocket            the market channel ({@code wss://…/ws/market})
 * @param discovery            Gamma's base URL ({@code endpoints.discovery}, else {@code endpoints.rest}), if any
 * @param customFeatures       whether subscriptions ask for {@code custom_feature_enabled} ({@code best_bid_ask},
 *                             {@code new_market}, {@code market_resolved}); see {@link #DEFAULT_CUSTOM_FEATURES}
 * @param instruments          the static asset (CLOB token) ids of the environment, true ids
 */
public record PolymarketSettings(
        String feed,
        Path file,
        URI websocket,
        Optional<URI> discovery,
        boolean customFeatures,
        List<String> instruments) {

    /**
     * Off, the venue's own default; the environment turns it on per feed ({@code custom-features: true}). Off also
     * because {@code new_market} is broadcast for every market to every connection that asked for it: with many
     * shards each would publish the same events again.
     */
    public static final boolean DEFAULT_CUSTOM_FEATURES = false;

    /** Stated by third-party material only (PROTOCOLS.md §4.2): one subscribe frame names at most this many. */
    public static final int MAX_ASSETS_PER_FRAME = 500;

    /** Asset ids are uint256 values written in decimal (up to 78 digits). */
    private static final Pattern ASSET_ID = Pattern.compile("[0-9]{1,78}");

    public PolymarketSettings {
        instruments = List.copyOf(instruments);
    }

    /**
     * Reads and checks an enabled Polymarket feed.
     *
     * @throws IllegalArgumentException naming the feed file (or the environment's entry) and the key: another venue,
     *                                  a channel other than {@code market}, a non-WebSocket URL, an instrument that is
     *                                  not a decimal asset id
     */
    public static PolymarketSettings create(EnabledFeed feed) {
        FeedDefinition definition = feed.definition();
        Path file = definition.file();
        URI websocket = VenueChecks.websocket(definition, Venue.POLYMARKET);
        for (String channel : definition.channels()) {
            if (!channel.equals("market")) {
                throw invalid(
                        file,
                        "channels",
                        "'" + channel + "' is not served: ssmd speaks only the public "
                                + "market channel; write channels: [market]");
            }
        }
        for (String instrument : feed.instruments()) {
            if (!ASSET_ID.matcher(instrument).matches()) {
                throw new IllegalArgumentException("environment feeds." + feed.name() + ".instruments: '" + instrument
                        + "' is not a Polymarket asset id; list CLOB token ids (decimal, as in Gamma's clobTokenIds),"
                        + " not condition ids or slugs");
            }
        }
        return new PolymarketSettings(
                feed.name(),
                file,
                websocket,
                definition.endpoints().discoveryBase(),
                feed.customFeatures(),
                feed.instruments());
    }

    /** The same settings with {@code custom_feature_enabled} set. */
    public PolymarketSettings withCustomFeatures(boolean enabled) {
        return new PolymarketSettings(feed, file, websocket, discovery, enabled, instruments);
    }

    private static IllegalArgumentException invalid(Path file, String key, String problem) {
        return new IllegalArgumentException(file + ": " + key + ": " + problem);
    }
}
