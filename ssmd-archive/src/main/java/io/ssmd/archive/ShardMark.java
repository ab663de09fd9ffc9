package io.ssmd.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * What the archive last heard from one shard, as of a manifest's last committed file (DESIGN §4, §6): its connection
 * epoch, its last sign of life and whether that connection announced its end. Manifests carry every shard's mark so
 * that an archiver restarted between a node's crash and its return still sees the new epoch as a hole.
 *
 * @param epoch        the shard's latest connection epoch, µs
 * @param seen         the time of that epoch's last archived control event ({@code alive} every few seconds), µs
 * @param seq          the stream sequence of that event
 * @param disconnected when the outage began, if a {@code disconnected} was archived and no {@code connected} since
 * @param reason       the {@code disconnected}'s reason, if any
 * @param instruments  the instruments of the epoch's {@code connected}
 * @param version      the ssmd version that ran the connection, from its {@code connected}; null when that event did
 *                     not say (an older ssmd) or was not archived, and in manifests written before the field
 * @param handover     when this epoch took over from an earlier one by a {@code handover} (a renewal without a hole,
 *                     DESIGN §17), that handover; null when the epoch began with a {@code connected}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardMark(
        String shard,
        long epoch,
        long seen,
        long seq,
        Long disconnected,
        String reason,
        List<String> instruments,
        String version,
        Handover handover) {

    /**
     * A renewal of the shard's connection (DESIGN §17): the connection of {@code from} published what it received
     * before {@code at} (µs), this epoch everything after; {@code seq} is the stream sequence of the {@code handover}
     * event. No gap: the manifest keeps it so that a reader sees why the epoch changed without a {@code connected}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Handover(long from, long at, long seq) {}

    /**
     * A shard that announced no end and was not heard from for this long is taken as gone: three of the longest
     * {@code alive} interval a connector may be configured with ({@code ssmd.connectors.alive-interval}).
     */
    public static final Duration SILENT_AFTER = Duration.ofSeconds(60);

    public ShardMark {
        instruments = instruments == null || instruments.isEmpty() ? null : List.copyOf(instruments);
        version = version == null || version.isBlank() ? null : version;
    }

    /** A mark of an epoch that began with a {@code connected} (or of which nothing more is known). */
    public ShardMark(
            String shard,
            long epoch,
            long seen,
            long seq,
            Long disconnected,
            String reason,
            List<String> instruments,
            String version) {
        this(shard, epoch, seen, seq, disconnected, reason, instruments, version, null);
    }

    /**
     * Whether the connection this mark describes served the UTC day {@code [dayStart, dayEnd)} (µs), as far as the
     * mark tells: it began before the day ended, was heard from during the day or later, and had not announced its end
     * before the day began.
     */
    public boolean connectedDuring(long dayStart, long dayEnd) {
        return epoch < dayEnd && seen >= dayStart && (disconnected == null || disconnected >= dayStart);
    }

    /**
     * The open gap of a shard that went silent without a {@code disconnected} before {@code reference} (µs) minus
     * {@link #SILENT_AFTER}: it has not come back, as far as the archive knows.
     */
    public java.util.Optional<Gap> openGap(long reference) {
        if (disconnected != null || seen >= reference - SILENT_AFTER.toNanos() / 1000) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Gap(
                Gap.CONNECTION_LOST,
                seq,
                null,
                seen,
                null,
                shard,
                "open: no sign of life since, and no new connection yet",
                instruments,
                null));
    }
}
