package io.ssmd.feeds;

import io.ssmd.core.shard.FeedConnector;
import java.util.Optional;

/**
 * A feed ready to run: its connector and discovery ({@link FeedConnector}) and, for venues whose instruments change
 * between discoveries, what keeps them current.
 */
public record WiredFeed(FeedConnector feed, Optional<LiveInstruments> live) {

    /** A feed whose instruments change only through discovery, if at all. */
    public static WiredFeed of(FeedConnector feed) {
        return new WiredFeed(feed, Optional.empty());
    }
}
