package io.ssmd.archive;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Builds one archive line (DESIGN §6):
 * {@code {"ts":<µs>,"seq":<seq>,"subject":"…","id":"…","data":<frame>}} followed by a newline.
 *
 * <p>{@code data} is the frame's bytes verbatim when they are one valid JSON value. Valid JSON cannot hold a raw line
 * break inside a string (it must be escaped there), so every CR or LF of a valid frame sits between tokens and
 * becomes a space: the same JSON on one line. A frame that is not valid JSON is kept as {@code "raw":"<escaped>"};
 * bytes that are not even UTF-8 are kept as {@code "raw_base64"} so that nothing is lost.
 */
public final class JsonLine {

    private JsonLine() {}

    /**
     * The line, newline included.
     *
     * @param id the {@code Nats-Msg-Id}, or null when the message had none
     */
    public static byte[] build(long ts, long seq, String subject, String id, byte[] frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length + subject.length() + 96);
        ascii(out, "{\"ts\":" + ts + ",\"seq\":" + seq + ",\"subject\":");
        string(out, subject);
        ascii(out, ",\"id\":");
        if (id == null) {
            ascii(out, "null");
        } else {
            string(out, id);
        }
        if (isJson(frame)) {
            ascii(out, ",\"data\":");
            out.writeBytes(oneLine(frame));
        } else {
            String text = utf8(frame);
            if (text != null) {
                ascii(out, ",\"raw\":");
                string(out, text);
            } else {
                ascii(out, ",\"raw_base64\":\"" + Base64.getEncoder().encodeToString(frame) + "\"");
            }
        }
        ascii(out, "}\n");
        return out.toByteArray();
    }

    /** Whether the bytes are exactly one JSON value (whitespace around it allowed). */
    public static boolean isJson(byte[] frame) {
        return JsonSyntax.isJson(frame);
    }

    /** The frame as one line: each CR and LF (only ever between tokens of valid JSON) a space; copied only if any. */
    private static byte[] oneLine(byte[] frame) {
        byte[] line = frame;
        for (int i = 0; i < frame.length; i++) {
            if (frame[i] == '\n' || frame[i] == '\r') {
                if (line == frame) {
                    line = frame.clone();
                }
                line[i] = ' ';
            }
        }
        return line;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped, the rest UTF-8. */
    static void string(ByteArrayOutputStream out, String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        out.writeBytes(b.append('"').toString().getBytes(StandardCharsets.UTF_8));
    }
}
