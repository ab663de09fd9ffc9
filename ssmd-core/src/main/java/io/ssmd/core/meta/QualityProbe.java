package io.ssmd.core.meta;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a venue's message says about itself, for the archiver's quality checks (docs/inventory.md): each venue module
 * supplies one, since only the venue knows where its trade ids, sequences and times are. Pure and thread-safe.
 */
@FunctionalInterface
public interface QualityProbe {

    /** A probe that knows nothing of the venue: only the venue-independent checks run. */
    QualityProbe NONE = (type, payload) -> new Inspection(List.of(), List.of());

    /**
     * @param type    the subject's type token ({@code trade}, {@code orderbook}, ...)
     * @param payload the message bytes, exactly as published
     */
    Inspection inspect(String type, byte[] payload);

    /**
     * What one message holds.
     *
     * @param events  one per normalized event in it
     * @param missing the fields the normalized model needs that the message lacks; empty when it is complete or is no
     *                market-data message of a known type
     */
    record Inspection(List<Event> events, List<String> missing) {
        public Inspection {
            events = List.copyOf(events);
            missing = List.copyOf(missing);
        }
    }

    /**
     * One event of a message.
     *
     * @param instrument the true instrument id
     * @param kind       the event type ({@code trade}, {@code ticker}, {@code orderbook}, ...)
     * @param tradeId    the venue's trade id, for trades that have one
     * @param channel    the stream a venue sequence counts on (Kalshi: the subscription id), when it has one
     * @param seq        the venue sequence on that channel
     * @param venueTs    the venue's time of the event, epoch µs; 0 when it gives none
     * @param snapshot   whether the venue re-sent it (trade snapshots, book snapshots): neither a duplicate nor out of
     *                   order when it repeats or is older
     */
    record Event(
            String instrument,
            String kind,
            Optional<String> tradeId,
            Optional<String> channel,
            OptionalLong seq,
            long venueTs,
            boolean snapshot) {}
}
