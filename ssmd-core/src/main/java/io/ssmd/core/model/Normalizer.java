package io.ssmd.core.model;

import java.util.List;
import java.util.Set;

/**
 * Turns one published message of a venue (one element of a frame, as it is on its subject) into normalized events.
 * Stateless and thread-safe: the gateway calls it from any stream. Tolerant per field: a field missing or changed
 * leaves that field empty and never drops the event; a message it cannot use at all gives an empty list.
 */
@FunctionalInterface
public interface Normalizer {

    /**
     * @param feed    the feed name, copied into the events
     * @param type    the subject's type token ({@code trade}, {@code orderbook}, {@code price_change}, ...)
     * @param payload the message bytes, exactly as published
     */
    List<MarketEvent> normalize(String feed, String type, byte[] payload);

    /**
     * The subject type tokens whose messages carry books ({@link BookSnapshot}s and {@link BookDelta}s): where a
     * gateway that starts from ssmd book snapshots (DESIGN §7) looks for the book messages that follow a snapshot.
     * A venue whose book messages go on any other type must name them here, or such a gateway would take its books
     * for quiet and read none of their later messages.
     */
    default Set<String> bookTypes() {
        return Set.of("orderbook");
    }
}
