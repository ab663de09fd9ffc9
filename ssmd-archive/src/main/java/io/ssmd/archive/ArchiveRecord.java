package io.ssmd.archive;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
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
 */
public record ArchiveRecord(
        long seq, long ts, byte[] line, ParsedSubject parts, Optional<ControlEvent> control, String id, byte[] data) {

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
                seq, ts, JsonLine.build(ts, seq, subject, id, data), parts, control(parts, data), id, data);
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
