package io.ssmd.feeds.kalshi;

import io.ssmd.core.config.Discovery;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.FeedAuth;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.config.KalshiCredentials;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.VenueChecks;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a Kalshi connection and Kalshi discovery need from the feed file and the environment, read once and checked
 * for what the generic config loader cannot know about Kalshi.
 *
 * @param feed                   the feed name (subjects, shard names)
 * @param websocket              the WebSocket endpoint (config, not code: Kalshi's host has changed before)
 * @param rest                   the REST base ({@code .../trade-api/v2}) discovery pages through
 * @param channels               the per-market channels every market shard subscribes, in configured order (some of
 *                               {@code orderbook_delta}, {@code ticker}, {@code trade})
 * @param lifecycle              whether {@code market_lifecycle_v2} is configured; it ignores ticker filters, so it
 *                               runs on its own connection ({@link KalshiFeed#lifecycleConnector()})
 * @param credentials            the key id and private key file; empty only for a feed file with no auth
 * @param categories             categories discovery keeps, as written (empty: all)
 * @param excludedCategories     categories discovery drops ({@code exclude-categories} in the environment)
 * @param series                 series tickers discovery is limited to ({@code series} in the environment)
 * @param maxMarketsPerSubscribe markets named in one subscribe command (Kalshi's hard limit is {@value #MAX_MARKETS_PER_SUBSCRIBE})
 * @param maxInstruments         the most markets discovery returns, from {@code discovery.max-instruments}
 * @param pageSpacing            the pause between two discovery pages (Kalshi rate-limits its REST API)
 * @param pageLimit              events (or markets) asked for per page
 * @param pageAttempts           tries per page before discovery fails
 * @param retryBackoff           the first wait before retrying a page; doubled each try, with jitter
 */
public record KalshiSettings(
        String feed,
        URI websocket,
        Optional<URI> rest,
        List<String> channels,
        boolean lifecycle,
        Optional<KalshiCredentials> credentials,
        List<String> categories,
        List<String> excludedCategories,
        List<String> series,
        int maxMarketsPerSubscribe,
        OptionalInt maxInstruments,
        Duration pageSpacing,
        int pageLimit,
        int pageAttempts,
        Duration retryBackoff) {

    /** Kalshi refuses larger market lists in one command. */
    public static final int MAX_MARKETS_PER_SUBSCRIBE = 256;
    /** The per-market channels this connector subscribes and decodes. */
    public static final List<String> MARKET_CHANNELS =
            List.of(KalshiProtocol.ORDERBOOK_DELTA, KalshiProtocol.TICKER, KalshiProtocol.TRADE);
    /** Issue 8: about 300 ms between discovery pages. */
    public static final Duration DEFAULT_PAGE_SPACING = Duration.ofMillis(300);

    public static final int DEFAULT_PAGE_LIMIT = 200;
    public static final int DEFAULT_PAGE_ATTEMPTS = 5;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(500);

    public KalshiSettings {
        channels = List.copyOf(channels);
        categories = List.copyOf(categories);
        excludedCategories = List.copyOf(excludedCategories);
        series = List.copyOf(series);
        if (maxMarketsPerSubscribe < 1 || maxMarketsPerSubscribe > MAX_MARKETS_PER_SUBSCRIBE) {
            throw new IllegalArgumentException("markets per subscribe must be from 1 to " + MAX_MARKETS_PER_SUBSCRIBE
                    + ", got " + maxMarketsPerSubscribe);
        }
        if (pageLimit < 1 || pageAttempts < 1 || pageSpacing.isNegative() || retryBackoff.isNegative()) {
            throw new IllegalArgumentException(
                    "discovery paging: limit and attempts must be positive, waits not " + "negative");
        }
    }

    /**
     * Reads and checks a Kalshi feed.
     *
     * @throws IllegalArgumentException naming the feed file and key when the feed is not a Kalshi feed, names a
     *                                  channel this connector does not serve, or signs with no credentials resolved
     */
    public static KalshiSettings create(EnabledFeed feed) {
        FeedDefinition definition = feed.definition();
        String file = definition.file().toString();
        URI websocket = VenueChecks.websocket(definition, Venue.KALSHI);
        boolean lifecycle = false;
        for (String channel : definition.channels()) {
            if (channel.equals(KalshiProtocol.MARKET_LIFECYCLE)) {
                lifecycle = true;
            } else if (!MARKET_CHANNELS.contains(channel)) {
                throw new IllegalArgumentException(file + ": channels: unsupported channel '" + channel
                        + "'; expected some of orderbook_delta, ticker, trade, market_lifecycle_v2");
            }
        }
        if (definition.auth() instanceof FeedAuth.KalshiRsaPss
                && feed.credentials().isEmpty()) {
            throw new IllegalArgumentException(file + ": auth: Kalshi needs a signed handshake, but feed " + feed.name()
                    + " has no credentials resolved");
        }
        List<String> channels =
                definition.channels().stream().filter(MARKET_CHANNELS::contains).toList();
        int perSubscribe = Math.min(MAX_MARKETS_PER_SUBSCRIBE, definition.maxInstrumentsPerConnection());
        OptionalInt max = feed.discovery().map(Discovery::maxInstruments).orElse(OptionalInt.empty());
        return new KalshiSettings(
                feed.name(),
                websocket,
                definition.endpoints().discoveryBase(),
                channels,
                lifecycle,
                feed.credentials(),
                feed.categories(),
                feed.excludedCategories(),
                feed.series(),
                Math.max(1, perSubscribe),
                max,
                DEFAULT_PAGE_SPACING,
                DEFAULT_PAGE_LIMIT,
                DEFAULT_PAGE_ATTEMPTS,
                DEFAULT_RETRY_BACKOFF);
    }

    /** These settings with discovery's paging replaced (tests use no spacing and a tiny backoff). */
    public KalshiSettings withPaging(Duration pageSpacing, int pageLimit, int pageAttempts, Duration retryBackoff) {
        return new KalshiSettings(
                feed,
                websocket,
                rest,
                channels,
                lifecycle,
                credentials,
                categories,
                excludedCategories,
                series,
                maxMarketsPerSubscribe,
                maxInstruments,
                pageSpacing,
                pageLimit,
                pageAttempts,
                retryBackoff);
    }

    /** Whether order books are subscribed, so seq is checked and books kept. */
    public boolean followsBooks() {
        return channels.contains(KalshiProtocol.ORDERBOOK_DELTA);
    }
}
