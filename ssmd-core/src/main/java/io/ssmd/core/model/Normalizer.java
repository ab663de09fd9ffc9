package io.ssmd.core.model;

import java.util.List;

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
}
