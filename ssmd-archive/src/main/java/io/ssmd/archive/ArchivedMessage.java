package io.ssmd.archive;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One archived stream message as the data-out commands read it back (DESIGN §16): its receive time, stream sequence,
 * subject, {@code Nats-Msg-Id} and the frame's bytes as the archive keeps them (see {@link JsonLine}: a JSON frame
 * verbatim but for CR/LF turned into spaces, a text frame unescaped, a binary frame decoded from base64).
 *
 * @param ts      receive time, epoch µs ({@code Ssmd-Received-At})
 * @param seq     the JetStream stream sequence
 * @param subject the NATS subject
 * @param id      the {@code Nats-Msg-Id}, or null when the message had none
 * @param frame   the frame's bytes
 * @param form    how the line held the frame
 */
public record ArchivedMessage(long ts, long seq, String subject, String id, byte[] frame, Form form) {

    /** How an archive line holds its frame: {@code data}, {@code raw} or {@code raw_base64}. */
    public enum Form {
        /** One valid JSON value, the frame's bytes. */
        DATA,
        /** UTF-8 text that is not JSON, as a JSON string. */
        RAW,
        /** Bytes that are not UTF-8, base64. */
        RAW_BASE64
    }

    /** The frame as text (UTF-8; a {@link Form#RAW_BASE64} frame's bytes decoded leniently). */
    public String text() {
        return new String(frame, StandardCharsets.UTF_8);
    }

    /** Shown in test failures: the frame as text, or base64 when it is not text. */
    @Override
    public String toString() {
        return "ArchivedMessage[ts=" + ts + ", seq=" + seq + ", subject=" + subject + ", id=" + id + ", " + form + "="
                + (form == Form.RAW_BASE64 ? Base64.getEncoder().encodeToString(frame) : text()) + "]";
    }
}
