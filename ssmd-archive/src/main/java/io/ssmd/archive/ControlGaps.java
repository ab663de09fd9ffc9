package io.ssmd.archive;

import io.ssmd.core.nats.ControlEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns connector control events into gaps (DESIGN §4, §6): a {@code disconnected} → {@code connected} pair of one
 * shard is a {@code connection_lost}, a {@code publish_failed} and a {@code resync} are gaps of their own, and so is a
 * {@code backpressure} (from its {@code since}, the publish window full, to its time, drained). A
 * {@code publish_failed} stands for a range of failed messages and its gap spans their receive times.
 *
 * <p>A new connection epoch of a shard whose previous epoch announced no end is a {@code connection_lost} with reason
 * {@code restart} (the node died: a kill publishes nothing), from that epoch's last archived event, its last
 * {@code alive} at worst, to the new epoch's first. What each shard last said is kept as {@link ShardMark}s, which
 * manifests carry, so an archiver restarted in between still knows.
 *
 * <p>A {@code connected} that ends an outage carries {@code since}, so the outage is marked even when its
 * {@code disconnected} was lost.
 *
 * <p>A {@code handover} (a connection renewed inside its shard, DESIGN §17) starts a new epoch without a gap: the old
 * connection published until the switch and the new one from it, so neither its epoch change nor the old epoch's late
 * events are a hole. The shard's mark keeps the handover, which the manifest records.
 *
 * <p>Public so that the connectors' tests can check what the archive makes of the events a real shard publishes (a
 * shard moved to a host whose clock is behind, say).
 */
public final class ControlGaps {

    private final Map<String, ShardMark> marks = new TreeMap<>();

    public ControlGaps() {}

    /** Resumes from what a manifest recorded. */
    ControlGaps(Collection<ShardMark> from) {
        from.forEach(m -> marks.put(m.shard(), m));
    }

    /** What every shard last said, by shard. */
    public List<ShardMark> marks() {
        return List.copyOf(marks.values());
    }

    /** The gaps the event at {@code seq} closes or announces, if any. */
    public List<Gap> on(long seq, ControlEvent event) {
        String shard = event.shard();
        ShardMark mark = marks.get(shard);
        if (mark != null && event.epoch() < mark.epoch()) {
            // A late event of a connection that was already replaced: its hole is already accounted for.
            return List.of();
        }
        if (mark != null && seq <= mark.seq() && event.ts() <= mark.seen()) {
            // Already heard: a segment read back from disk (its manifest entry lagging behind the file) replays events
            // that the marks, taken at the manifest's last commit, already hold. Counted again, the epoch's
            // connected would close the hole its later disconnected opened (a gap from seq 4226 to seq 6).
            return List.of();
        }
        List<Gap> gaps = new ArrayList<>();
        boolean newEpoch = mark != null && event.epoch() > mark.epoch();
        boolean sinceTellsIt = event.event().equals(ControlEvent.CONNECTED)
                && event.sinceMicros().isPresent();
        boolean handover = event.event().equals(ControlEvent.HANDOVER);
        if (handover && (mark == null || mark.disconnected() == null)) {
            // The renewed connection took over where the old one stopped publishing: no hole, whatever came before.
            marks.put(shard, handedOver(event, seq, mark));
            return List.of();
        }
        if (newEpoch && mark.disconnected() == null && !sinceTellsIt) {
            gaps.add(new Gap(
                    Gap.CONNECTION_LOST,
                    mark.seq(),
                    seq,
                    mark.seen(),
                    event.ts(),
                    shard,
                    Gap.RESTART,
                    event.instruments().isEmpty() ? mark.instruments() : event.instruments(),
                    null));
        }
        ShardMark pending = mark != null && mark.disconnected() != null ? mark : null;
        switch (event.event()) {
            case ControlEvent.CONNECTED -> {
                if (pending != null || sinceTellsIt) {
                    long start = event.sinceMicros().orElseGet(() -> pending.disconnected());
                    String reason = pending != null && pending.reason() != null ? pending.reason() : event.reason();
                    // The daily cycle's teardown stopped the shard on purpose: its own type, so it is told apart.
                    gaps.add(new Gap(
                            Gap.SCHEDULED_TEARDOWN.equals(reason) ? Gap.SCHEDULED_TEARDOWN : Gap.CONNECTION_LOST,
                            pending == null ? seq : pending.seq(),
                            seq,
                            start,
                            event.ts(),
                            shard,
                            blankToNull(reason),
                            event.instruments(),
                            null));
                }
                marks.put(shard, mark(event, seq, null, null, event.instruments(), event.version(), mark));
            }
            case ControlEvent.DISCONNECTED -> {
                // An outage is dated by its first disconnected: connections that fail before they connect add none.
                ShardMark next = pending != null
                        ? new ShardMark(
                                shard,
                                event.epoch(),
                                event.ts(),
                                pending.seq(),
                                pending.disconnected(),
                                pending.reason(),
                                pending.instruments(),
                                pending.version())
                        : mark(
                                event,
                                seq,
                                event.ts(),
                                blankToNull(event.reason()),
                                instrumentsOf(mark, event),
                                versionOf(mark, event),
                                mark);
                marks.put(shard, next);
            }
            default -> {
                if (pending == null) {
                    marks.put(
                            shard,
                            mark(event, seq, null, null, instrumentsOf(mark, event), versionOf(mark, event), mark));
                }
                if (event.event().equals(ControlEvent.PUBLISH_FAILED)) {
                    gaps.add(publishFailed(seq, event));
                } else if (event.event().equals(ControlEvent.RESYNC)) {
                    gaps.add(atEvent(Gap.BOOK_RESYNC, seq, event));
                } else if (event.event().equals(ControlEvent.BACKPRESSURE)) {
                    // From the window full (since) to drained (the event's time).
                    gaps.add(new Gap(
                            Gap.BACKPRESSURE,
                            seq,
                            seq,
                            event.sinceMicros().orElse(event.ts()),
                            event.ts(),
                            event.shard(),
                            blankToNull(event.reason()),
                            event.instruments(),
                            null));
                }
            }
        }
        return gaps;
    }

    /** A mark of the event's epoch; a handover that began it stays on it ({@code previous}: the mark before). */
    private static ShardMark mark(
            ControlEvent event,
            long seq,
            Long disconnected,
            String reason,
            List<String> instruments,
            String version,
            ShardMark previous) {
        ShardMark.Handover handover =
                previous != null && previous.epoch() == event.epoch() ? previous.handover() : null;
        return new ShardMark(
                event.shard(), event.epoch(), event.ts(), seq, disconnected, reason, instruments, version, handover);
    }

    /** The new epoch of a handover: its instruments and version those the event names, else the old epoch's. */
    private static ShardMark handedOver(ControlEvent event, long seq, ShardMark before) {
        long from = event.previousEpoch() != null ? event.previousEpoch() : before != null ? before.epoch() : 0;
        List<String> instruments =
                !event.instruments().isEmpty() || before == null ? event.instruments() : before.instruments();
        String version = event.version() != null || before == null ? event.version() : before.version();
        return new ShardMark(
                event.shard(),
                event.epoch(),
                event.ts(),
                seq,
                null,
                null,
                instruments,
                version,
                new ShardMark.Handover(from, event.ts(), seq));
    }

    /** The epoch's version is the one its {@code connected} named; other events name none. */
    private static String versionOf(ShardMark mark, ControlEvent event) {
        return mark != null && mark.epoch() == event.epoch() ? mark.version() : null;
    }

    /** The epoch's instruments are those its {@code connected} named; other events name a few, or none. */
    private static List<String> instrumentsOf(ShardMark mark, ControlEvent event) {
        if (mark != null && mark.epoch() == event.epoch() && mark.instruments() != null) {
            return mark.instruments();
        }
        return event.event().equals(ControlEvent.DISCONNECTED) ? event.instruments() : null;
    }

    /**
     * A range of messages JetStream did not ack: from the first one's receive time to the last one's, with their
     * count. An event of an older ssmd, one per message, has no range: the gap is then its time alone.
     */
    private static Gap publishFailed(long seq, ControlEvent event) {
        return new Gap(
                Gap.PUBLISH_FAILED,
                seq,
                seq,
                event.first() != null ? event.first() : event.ts(),
                event.last() != null ? event.last() : event.ts(),
                event.shard(),
                blankToNull(event.reason()),
                event.instruments(),
                event.count() != null ? event.count() : 1L,
                null);
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
