package io.ssmd.archive;

import io.ssmd.core.nats.ControlEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns connector control events into gaps (DESIGN §4, §6): a {@code disconnected} → {@code connected} pair of one
 * shard is a {@code connection_lost}, a {@code publish_failed} and a {@code resync} are gaps of their own.
 *
 * <p>A {@code connected} that ends an outage carries {@code since}, so the outage is marked even when its
 * {@code disconnected} was archived before a restart of the archiver and is no longer in memory.
 */
final class ControlGaps {

    private record Pending(long ts, long seq, String reason) {}

    private final Map<String, Pending> disconnected = new HashMap<>();

    /** The gap the event at {@code seq} closes or announces, if any. */
    Optional<Gap> on(long seq, ControlEvent event) {
        String shard = event.shard();
        switch (event.event()) {
            case ControlEvent.DISCONNECTED -> {
                disconnected.putIfAbsent(shard, new Pending(event.ts(), seq, event.reason()));
                return Optional.empty();
            }
            case ControlEvent.CONNECTED -> {
                Pending pending = disconnected.remove(shard);
                if (pending == null && event.sinceMicros().isEmpty()) {
                    return Optional.empty();
                }
                long start = event.sinceMicros().orElseGet(() -> pending.ts());
                String reason = pending != null && !pending.reason().isEmpty() ? pending.reason() : event.reason();
                return Optional.of(new Gap(
                        Gap.CONNECTION_LOST,
                        pending == null ? seq : pending.seq(),
                        seq,
                        start,
                        event.ts(),
                        shard,
                        blankToNull(reason),
                        event.instruments(),
                        null));
            }
            case ControlEvent.PUBLISH_FAILED -> {
                return Optional.of(atEvent(Gap.PUBLISH_FAILED, seq, event));
            }
            case ControlEvent.RESYNC -> {
                return Optional.of(atEvent(Gap.BOOK_RESYNC, seq, event));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** A gap that is the event itself: its own sequence and time, from start to end. */
    private static Gap atEvent(String type, long seq, ControlEvent event) {
        return new Gap(
                type,
                seq,
                seq,
                event.ts(),
                event.ts(),
                event.shard(),
                blankToNull(event.reason()),
                event.instruments(),
                null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
