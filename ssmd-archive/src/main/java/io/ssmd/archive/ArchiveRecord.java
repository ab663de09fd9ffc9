package io.ssmd.archive;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.ssmd.core.meta.QualityProbe;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.subject.ParsedSubject;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * One stream message ready for the archive: its line, and what the manifest and gap log need from it.
 *
 * @param seq     the stream sequence
 * @param ts      when ssmd received the frame, epoch µs ({@code Ssmd-Received-At}; the stream's own timestamp when the
 *                header is missing)
 * @param line    the archive line, newline included
 * @param parts   type and ticker from the subject
 * @param control the control event, when the message is one and parses
 * @param id      the message id ({@code Nats-Msg-Id}), null when it has none
 * @param data    the message bytes as published, for the quality checks
 * @param inspection what the feed's quality probe read from a market-data message, when it was read ahead of the
 *                   archive's own thread; null when not
 */
public record ArchiveRecord(
        long seq,
        long ts,
        byte[] line,
        ParsedSubject parts,
        Optional<ControlEvent> control,
        String id,
        byte[] data,
        QualityProbe.Inspection inspection) {

    /** Builds the record of a JetStream message. */
    public static ArchiveRecord of(Message message) {
        long seq = message.metaData().streamSequence();
        Headers headers = message.getHeaders();
        long ts = PublishHeaders.receivedAt(headers)
                .orElseGet(() -> micros(message.metaData().timestamp()));
        String id = PublishHeaders.msgId(headers).orElse(null);
        byte[] data = message.getData() == null ? new byte[0] : message.getData();
        return of(seq, ts, message.getSubject(), id, data);
    }

    /** Builds a record from its parts. */
    public static ArchiveRecord of(long seq, long ts, String subject, String id, byte[] data) {
        ParsedSubject parts = ParsedSubject.parse(subject);
        return new ArchiveRecord(
                seq, ts, JsonLine.build(ts, seq, subject, id, data), parts, control(parts, data), id, data, null);
    }

    /**
     * The record with what {@code probe} reads from it, if it is market data: the stream stage before the archive's
     * runs the probe (it parses the message) so that the single writing thread does not.
     */
    public ArchiveRecord inspected(QualityProbe probe) {
        if (parts.kind() != ParsedSubject.Kind.MARKET_DATA || probe == QualityProbe.NONE) {
            return this;
        }
        QualityProbe.Inspection read;
        try {
            read = probe.inspect(parts.type(), data);
        } catch (RuntimeException e) {
            // A probe must never stop the archive: the writer's check tries again and gives up quietly.
            return this;
        }
        return new ArchiveRecord(seq, ts, line, parts, control, id, data, read);
    }

    private static Optional<ControlEvent> control(ParsedSubject parts, byte[] data) {
        if (parts.controlEvent().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ControlEvent.fromJson(data));
        } catch (RuntimeException e) {
            // Kept in the archive as it is; it just cannot mark a gap.
            return Optional.empty();
        }
    }

    private static long micros(ZonedDateTime time) {
        return time.toEpochSecond() * 1_000_000L + time.getNano() / 1000;
    }
}
