package io.ssmd.core.ws;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.apache.pekko.util.ByteString;

/**
 * Writes a client's RFC 6455 frames: every frame masked with a fresh key (§5.3: a client must mask, with keys a
 * script in a browser on the path cannot predict), unfragmented. The frames ssmd sends are the venue's subscribes and
 * keepalives (text), pongs and the close handshake.
 */
final class WebSocketFrameWriter {

    private final SecureRandom random;

    WebSocketFrameWriter(SecureRandom random) {
        this.random = random;
    }

    ByteString text(String text) {
        return frame(WebSocketFrameReader.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    ByteString pong(byte[] payload) {
        return frame(WebSocketFrameReader.PONG, payload);
    }

    /** A close frame with {@code code}; {@link WebSocketFrameReader#NO_STATUS} sends one without a code. */
    ByteString close(int code) {
        if (code == WebSocketFrameReader.NO_STATUS) {
            return frame(WebSocketFrameReader.CLOSE, new byte[0]);
        }
        return frame(WebSocketFrameReader.CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    ByteString frame(int opcode, byte[] payload) {
        int n = payload.length;
        int extended = n < 126 ? 0 : n <= 0xffff ? 2 : 8;
        byte[] frame = new byte[2 + extended + 4 + n];
        frame[0] = (byte) (0x80 | opcode);
        int i = 2;
        if (extended == 0) {
            frame[1] = (byte) (0x80 | n);
        } else if (extended == 2) {
            frame[1] = (byte) (0x80 | 126);
            frame[i++] = (byte) (n >>> 8);
            frame[i++] = (byte) n;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame[i++] = (byte) ((long) n >>> shift);
            }
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        System.arraycopy(mask, 0, frame, i, 4);
        i += 4;
        for (int k = 0; k < n; k++) {
            frame[i + k] = (byte) (payload[k] ^ mask[k & 3]);
        }
        return ByteString.fromArrayUnsafe(frame);
    }
}
