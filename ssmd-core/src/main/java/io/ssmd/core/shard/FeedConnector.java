package io.ssmd.core.shard;

import io.ssmd.core.config.EnabledFeed;
import java.util.Optional;

/**
 * An enabled feed and the venue connector that runs it on this node.
 *
 * @param discovery where the instruments come from when the environment lists none
 */
public record FeedConnector(EnabledFeed feed, VenueConnector connector, Optional<InstrumentDiscovery> discovery) {

    /** A feed with a static instrument list. */
    public FeedConnector(EnabledFeed feed, VenueConnector connector) {
        this(feed, connector, Optional.empty());
    }

    public String name() {
        return feed.name();
    }
}
