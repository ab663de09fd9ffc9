package io.ssmd.feeds;

import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.subject.Venue;
import java.net.URI;
import java.util.List;

/** The checks every venue's settings make of a feed definition before a connector is built from it. */
public final class VenueChecks {

    private VenueChecks() {}

    /**
     * The feed's WebSocket endpoint, after checking that the feed is of {@code venue} and the endpoint a ws:// or
     * wss:// URL (the config loader checks the scheme too; definitions built in code get the same guarantee).
     *
     * @throws IllegalArgumentException naming the feed file and the key
     */
    public static URI websocket(FeedDefinition definition, Venue venue) {
        if (definition.venue() != venue) {
            throw new IllegalArgumentException(definition.file() + ": venue: expected " + venue.id() + " for a "
                    + venue.id() + " connector, got " + definition.venue().id());
        }
        URI websocket = definition.endpoints().websocket();
        String scheme = String.valueOf(websocket.getScheme());
        if (!scheme.equalsIgnoreCase("ws") && !scheme.equalsIgnoreCase("wss")) {
            throw new IllegalArgumentException(
                    definition.file() + ": endpoints.websocket: expected a ws:// or wss://" + " URL, got " + websocket);
        }
        return websocket;
    }

    /**
     * Checks that the connector can watch every channel the feed's {@code liveness.quiet-time} names: one whose
     * per-instrument data goes on one subject type ({@link VenueConnector#subjectType}).
     *
     * @throws IllegalArgumentException naming the feed file, the key and the channels that can be watched
     */
    public static void liveness(FeedDefinition definition, VenueConnector connector) {
        for (String channel : definition.liveness().quietTimes().keySet()) {
            if (connector.subjectType(channel).isEmpty()) {
                List<String> watchable = definition.channels().stream()
                        .filter(c -> connector.subjectType(c).isPresent())
                        .toList();
                throw new IllegalArgumentException(definition.file() + ": liveness.quiet-time." + channel + ": the "
                        + connector.venue() + " channel '" + channel + "' carries no per-instrument market data of"
                        + " one type, so its instruments' liveness cannot be watched; "
                        + (watchable.isEmpty()
                                ? "this venue has no such channel: remove liveness"
                                : "watchable: " + String.join(", ", watchable)));
            }
        }
    }
}
