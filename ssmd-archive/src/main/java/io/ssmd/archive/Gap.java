package io.ssmd.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A typed hole in the archive (DESIGN §6), as the manifest records it.
 *
 * <p>For {@code bus_gap} and {@code retention_loss}, {@code fromSeq}..{@code toSeq} are the stream sequences that are
 * missing and {@code start}/{@code end} the receive times of the messages on either side. For the gaps announced by
 * connectors ({@code connection_lost}, {@code publish_failed}, {@code book_resync},
 * {@code backpressure}) the sequences are those of the
 * control messages and the times those of the outage or event. For {@code stream_reset} (the stream was deleted and
 * recreated, or lost in a NATS restart, below the archiver's position), {@code fromSeq} is the first sequence of the
 * old stream the archive does not have (whatever the old stream held from there on is lost), {@code toSeq} is empty,
 * and the archive continues in {@code file} with the new stream's sequences, which start again from its first.
 *
 * <p>A {@code publish_failed} stands for a range of messages that JetStream did not ack: {@code start}/{@code end}
 * are the receive times of its first and last, {@code messages} how many there were.
 *
 * @param messages how many messages a {@code publish_failed} stands for; null for every other type
 * @param file the segment that holds the message after the gap (or the control event)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Gap(
        String type,
        Long fromSeq,
        Long toSeq,
        Long start,
        Long end,
        String shard,
        String reason,
        List<String> instruments,
        Long messages,
        String file) {

    public static final String BUS_GAP = "bus_gap";
    public static final String RETENTION_LOSS = "retention_loss";
    public static final String CONNECTION_LOST = "connection_lost";
    public static final String PUBLISH_FAILED = "publish_failed";
    public static final String BOOK_RESYNC = "book_resync";
    public static final String STREAM_RESET = "stream_reset";
    /** A shard's publish window was full long enough that what the venue sent meanwhile may be missing. */
    public static final String BACKPRESSURE = "backpressure";

    /**
     * The daily cycle's teardown (DESIGN §17): from a shard's {@code disconnected} with reason
     * {@code scheduled_teardown} to its next {@code connected}. Planned, but data is missing all the same.
     */
    public static final String SCHEDULED_TEARDOWN = io.ssmd.core.nats.ControlEvent.REASON_SCHEDULED_TEARDOWN;

    /** The reason of a {@code connection_lost} whose connection ended without a {@code disconnected}: a crash. */
    public static final String RESTART = "restart";

    /**
     * The reason of a {@code connection_lost} whose shard was handed off to another connector node (its node left the
     * cluster gracefully: a rolling update, a scale-down): from its {@code disconnected} on the old node to its
     * {@code connected} on the new one (DESIGN §13).
     */
    public static final String HANDOFF = io.ssmd.core.nats.ControlEvent.REASON_HANDOFF;

    /** Every type, in the order reports list them. */
    public static final List<String> TYPES = List.of(
            BUS_GAP,
            RETENTION_LOSS,
            CONNECTION_LOST,
            PUBLISH_FAILED,
            BOOK_RESYNC,
            STREAM_RESET,
            BACKPRESSURE,
            SCHEDULED_TEARDOWN);

    public Gap {
        instruments = instruments == null || instruments.isEmpty() ? null : List.copyOf(instruments);
    }

    /** A gap that counts no messages: every type but {@code publish_failed}. */
    public Gap(
            String type,
            Long fromSeq,
            Long toSeq,
            Long start,
            Long end,
            String shard,
            String reason,
            List<String> instruments,
            String file) {
        this(type, fromSeq, toSeq, start, end, shard, reason, instruments, null, file);
    }

    /** Whether the gap is a range of missing stream sequences (as opposed to a hole announced by a connector). */
    public boolean missingSequences() {
        return type.equals(BUS_GAP) || type.equals(RETENTION_LOSS);
    }

    /**
     * Whether the gap ends before it starts: its last sequence below its first. Never true of a gap ssmd records (the
     * stream's sequences only grow, and a gap's sequences are those of messages in stream order); {@link Manifest}
     * refuses one with an ERROR and {@code ssmd archive verify} reports one found in a manifest. Times are not held to
     * it: a hand-off's two ends come from two hosts' clocks.
     */
    public boolean inverted() {
        return fromSeq != null && toSeq != null && toSeq < fromSeq;
    }

    /** Whether the hole has not ended yet: a shard that went silent and has not come back ({@code end} unknown). */
    public boolean open() {
        return end == null && type.equals(CONNECTION_LOST);
    }

    /** The same gap, attributed to {@code fileName}. */
    public Gap inFile(String fileName) {
        return new Gap(type, fromSeq, toSeq, start, end, shard, reason, instruments, messages, fileName);
    }
}
