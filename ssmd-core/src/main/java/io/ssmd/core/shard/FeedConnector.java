package io.ssmd.core.shard;

import io.ssmd.core.config.EnabledFeed;
import java.util.Optional;

/**
 * An enabled feed and the venue connector that runs it on this node.
 *
 * @param discovery where the instruments come from when the environment lists none and no security master runs
 * @param selection which security-master markets the feed runs when the environment lists none: with a security
 *                  master, the {@link FeedManager} takes the instruments from it and its change events (DESIGN §15)
 */
public record FeedConnector(
        EnabledFeed feed,
        VenueConnector connector,
        Optional<InstrumentDiscovery> discovery,
        Optional<MarketSelection> selection) {

    /** A feed with a static instrument list. */
    public FeedConnector(EnabledFeed feed, VenueConnector connector) {
        this(feed, connector, Optional.empty(), Optional.empty());
    }

    /** A feed whose instruments come from discovery when it lists none. */
    public FeedConnector(EnabledFeed feed, VenueConnector connector, Optional<InstrumentDiscovery> discovery) {
        this(feed, connector, discovery, Optional.empty());
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
