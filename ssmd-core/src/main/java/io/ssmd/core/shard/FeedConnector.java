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

    /**
     * The connector a shard of this feed runs: the feed's own for {@code companion} empty, else the companion of that
     * name ({@link VenueConnector#companion()}), or empty when the venue has none of that name.
     */
    public Optional<VenueConnector> connectorFor(String companion) {
        if (companion.isEmpty()) {
            return Optional.of(connector);
        }
        return connector.companion().filter(c -> c.name().equals(companion)).map(VenueConnector.Companion::connector);
    }

    public String name() {
        return feed.name();
    }
}
