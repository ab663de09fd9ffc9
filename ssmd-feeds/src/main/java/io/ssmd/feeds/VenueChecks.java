package io.ssmd.feeds;

import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.subject.Venue;
import java.net.URI;

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
}
