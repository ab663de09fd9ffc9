package io.ssmd.feeds.kraken;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.VenueChecks;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * What a Kraken spot v2 connection needs from the feed file and the environment, read once and checked for what the
 * generic config loader cannot know about Kraken: the channel names it serves, the book depths it accepts, the shape
 * of its v2 symbols.
 *
 * @param feed        the feed name (subjects, shard names)
 * @param websocket   the v2 WebSocket endpoint
 * @param channels    the channels every shard subscribes, in configured order: {@code book}, {@code trade},
 *                    {@code ticker}
 * @param bookDepth   levels per side of the book subscription (one of {@link #DEPTHS}); the client truncates its
 *                    local book to it after every update
 * @param instruments the static instruments of the environment, v2 symbols ({@code BTC/USD})
 */
public record KrakenSettings(
        String feed, URI websocket, List<String> channels, int bookDepth, List<String> instruments) {

    /** The channels this connector can subscribe and decode. */
    public static final List<String> CHANNELS = List.of("book", "trade", "ticker");
    /** Kraken refuses any other depth with {@code Subscription depth not supported} (PROTOCOLS.md §2.4). */
    public static final Set<Integer> DEPTHS = Set.of(10, 25, 100, 500, 1000);
    /** Kraken's own default when a subscribe names no depth. */
    public static final int DEFAULT_DEPTH = 10;

    public KrakenSettings {
        channels = List.copyOf(channels);
        instruments = List.copyOf(instruments);
    }

    /**
     * Reads and checks a Kraken feed.
     *
     * @throws IllegalArgumentException naming the feed file and key when the feed is not a Kraken spot feed, names a
     *                                  channel Kraken v2 does not serve here, a depth Kraken refuses, or an instrument
     *                                  that is not a v2 {@code BASE/QUOTE} symbol
     */
    public static KrakenSettings create(EnabledFeed feed) {
        FeedDefinition definition = feed.definition();
        String file = definition.file().toString();
        URI websocket = VenueChecks.websocket(definition, Venue.KRAKEN);
        for (String channel : definition.channels()) {
            if (!CHANNELS.contains(channel)) {
                throw new IllegalArgumentException(file + ": channels: unsupported channel '" + channel
                        + "'; expected some of " + String.join(", ", CHANNELS));
            }
        }
        int depth = definition.book().map(FeedDefinition.BookDepth::depth).orElse(DEFAULT_DEPTH);
        if (!DEPTHS.contains(depth)) {
            throw new IllegalArgumentException(
                    file + ": book.depth: Kraken accepts only 10, 25, 100, 500 or 1000 " + "levels, got " + depth);
        }
        for (String instrument : feed.instruments()) {
            if (!KrakenProtocol.wellFormed(instrument)) {
                throw new IllegalArgumentException("environment feeds." + feed.name() + ".instruments: '" + instrument
                        + "' is not a Kraken v2 symbol; write it as BASE/QUOTE, e.g. BTC/USD (not XBTUSD)");
            }
        }
        return new KrakenSettings(feed.name(), websocket, definition.channels(), depth, feed.instruments());
    }

    /** Whether the book channel is subscribed, so books are kept and checked. */
    public boolean followsBooks() {
        return channels.contains("book");
    }
}
