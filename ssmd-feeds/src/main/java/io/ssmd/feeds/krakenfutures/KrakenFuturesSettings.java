package io.ssmd.feeds.krakenfutures;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.VenueChecks;
import io.ssmd.feeds.krakenfutures.KrakenFuturesProtocol.Channel;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a Kraken Futures connection needs, read once from the feed's configuration and checked for what the config
 * loader cannot know about this venue.
 *
 * @param feed        the feed name (subjects, shard names)
 * @param file        the feed file, named in errors
 * @param websocket   the WebSocket v1 endpoint
 * @param channels    the feeds every shard subscribes to, in the feed file's order
 * @param instruments the configured product ids ({@code PF_XBTUSD}), true ids
 */
public record KrakenFuturesSettings(
        String feed, Path file, URI websocket, List<Channel> channels, List<String> instruments) {

    public KrakenFuturesSettings {
        channels = List.copyOf(channels);
        instruments = List.copyOf(instruments);
    }

    /**
     * Reads and checks an enabled Kraken Futures feed.
     *
     * @throws IllegalArgumentException naming the feed file (or the environment's feed entry) and the key, for a
     *                                  feed this connector cannot run: another venue, a channel it does not speak,
     *                                  a book depth (the venue takes none) or instrument discovery (the venue has
     *                                  none in ssmd)
     */
    public static KrakenFuturesSettings create(EnabledFeed feed) {
        FeedDefinition definition = feed.definition();
        Path file = definition.file();
        URI websocket = VenueChecks.websocket(definition, Venue.KRAKEN_FUTURES);
        List<Channel> channels = new ArrayList<>();
        for (String name : definition.channels()) {
            channels.add(Channel.of(name)
                    .orElseThrow(() -> invalid(
                            file,
                            "channels",
                            "'" + name + "' is not a Kraken Futures feed ssmd subscribes to; use some of "
                                    + Channel.names())));
        }
        if (channels.stream().noneMatch(Channel::perProduct)) {
            throw invalid(
                    file,
                    "channels",
                    "has no market-data feed, so nothing would be captured; add book, " + "trade or ticker");
        }
        // The loader accepts a book depth for any venue; Kraken Futures' book feed takes none and sends the full book.
        Optional<FeedDefinition.BookDepth> book = definition.book();
        if (book.isPresent()) {
            throw invalid(
                    file,
                    "book",
                    "Kraken Futures book subscriptions take no depth (the venue sends its whole "
                            + "book); remove the book key");
        }
        if (feed.discovery().isPresent()) {
            throw new IllegalArgumentException("environment feeds." + feed.name() + ".discovery: Kraken Futures "
                    + "has no instrument discovery in ssmd; list the product ids under instruments instead");
        }
        if (feed.instruments().isEmpty()) {
            throw new IllegalArgumentException("environment feeds." + feed.name() + ".instruments: empty; list the "
                    + "product ids to capture (PF_XBTUSD, ...)");
        }
        return new KrakenFuturesSettings(feed.name(), file, websocket, channels, feed.instruments());
    }

    /** Whether the feed subscribes to this channel. */
    public boolean subscribes(Channel channel) {
        return channels.contains(channel);
    }

    private static IllegalArgumentException invalid(Path file, String key, String problem) {
        return new IllegalArgumentException(file + ": " + key + ": " + problem);
    }
}
