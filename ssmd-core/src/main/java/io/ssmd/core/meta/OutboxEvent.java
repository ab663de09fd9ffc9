package io.ssmd.core.meta;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@code secmaster_outbox} row: one change event, written in the transaction of its change, and when it was
 * published (empty until a relay has had the PubAck).
 *
 * @param event one of {@link #EVENTS}
 */
public record OutboxEvent(
        long id,
        String feed,
        String event,
        long marketId,
        String instrument,
        String payload,
        Instant createdAt,
        Optional<Instant> publishedAt) {

    public static final String CREATED = "created";
    public static final String UPDATED = "updated";
    public static final String STATUS_CHANGED = "status_changed";
    public static final String SETTLED = "settled";
    public static final String REMOVED = "removed";

    public static final List<String> EVENTS = List.of(CREATED, UPDATED, STATUS_CHANGED, SETTLED, REMOVED);
}
