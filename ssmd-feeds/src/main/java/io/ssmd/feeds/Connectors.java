package io.ssmd.feeds;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.shard.VenueConnector;
import java.util.Optional;

/** The venue connectors of this build, by venue: the one place that knows every connector package. */
public final class Connectors {

    private Connectors() {
    }

    /** The connector for an enabled feed, or empty when this build has none for its venue yet. */
    public static Optional<VenueConnector> forFeed(EnabledFeed feed) {
        return switch (feed.venue()) {
            default -> Optional.empty();
        };
    }
}
