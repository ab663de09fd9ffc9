package io.ssmd.core.shard;

import io.ssmd.core.config.EnabledFeed;

/** An enabled feed and the venue connector that runs it on this node. */
public record FeedConnector(EnabledFeed feed, VenueConnector connector) {

    public String name() {
        return feed.name();
    }
}
