package io.ssmd.core.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 frames from a server, read from TCP chunks split anywhere: every message, ping and close comes out the
 * same however the bytes were cut, headers and extended lengths included.
 */
class WebSocketFrameReaderTest {

    static final int TEXT = WebSocketFrameReader.TEXT;
    static final int BINARY = WebSocketFrameReader.BINARY;
    static final int CONTINUATION = WebSocketFrameReader.CONTINUATION;
    static final int PING = WebSocketFrameReader.PING;
    static final int PONG = WebSocketFrameReader.PONG;
    static final int CLOSE = WebSocketFrameReader.CLOSE;

    @Test
    void textAndBinaryMessagesComeOutWholeWhereverTheChunksAreCut() {
        byte[] wire = concat(
                frame(true, TEXT, utf8("{\"channel\":\"trade\",\"q\":\"é€\"}")),
                frame(true, BINARY, new byte[] {0, 1, 2, (byte) 0xff}),
                frame(true, TEXT, new byte[0]));
        List<String> expected = List.of(
                "message " + hex(utf8("{\"channel\":\"trade\",\"q\":\"é€\"}")) + " /"
                        + utf8("{\"channel\":\"trade\",\"q\":\"é€\"}").length,
                "message 000102ff /4",
                "message  /0");
        assertEverySplit(wire, 1 << 20, expected, true);
    }

    @Test
    void sixteenBitLengthsAreReadAcrossEverySplit() {
        byte[] payload = pattern(300);
        byte[] wire = concat(frame(true, TEXT, payload), frame(true, TEXT, utf8("x")));
        assertThat(wire[1] & 0x7f).isEqualTo(126);
        assertEverySplit(wire, 1 << 20, List.of("message " + hex(payload) + " /300", "message 78 /1"), true);
    }

    @Test
    void sixtyFourBitLengthsAreReadWhereverTheHeaderIsCut() {
        byte[] payload = pattern(70_000);
        byte[] wire = concat(frame(true, BINARY, payload), frame(true, TEXT, utf8("x")));
        assertThat(wire[1] & 0x7f).isEqualTo(127);
        List<String> expected = List.of("message " + hex(payload) + " /70000", "message 78 /1");
        // Every cut inside and just after the 10-byte header, a few in the payload, and byte by byte.
        for (int cut = 1; cut <= 16; cut++) {
            assertThat(read(wire, 1 << 20, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
        for (int cut : new int[] {1_000, 35_000, 70_009, 70_010, 70_011, wire.length - 1}) {
            assertThat(read(wire, 1 << 20, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
        assertThat(readEvery(wire, 1 << 20, 1)).isEqualTo(expected);
        assertThat(readEvery(wire, 1 << 20, 4093)).isEqualTo(expected);
    }

    /** A ping between two fragments is answered at once; the message it interrupted stays whole. */
    @Test
    void aFragmentedMessageWithAnInterleavedPingIsReassembled() {
        byte[] wire = concat(
                frame(false, TEXT, utf8("{\"a\":")),
                frame(true, PING, utf8("p1")),
                frame(false, CONTINUATION, utf8("1,")),
                frame(true, PONG, new byte[0]),
                frame(true, CONTINUATION, utf8("\"b\":2}")),
                frame(false, BINARY, new byte[] {7}),
                frame(true, CONTINUATION, new byte[] {8, 9}));
        assertEverySplit(
                wire,
                1 << 20,
                List.of("ping 7031", "message " + hex(utf8("{\"a\":1,\"b\":2}")) + " /13", "message 070809 /3"),
                true);
    }

    @Test
    void aCloseWithItsCodeAndReasonEndsTheReading() {
        byte[] close = concat(new byte[] {0x03, (byte) 0xe9}, utf8("going away"));
        byte[] wire =
                concat(frame(true, TEXT, utf8("last")), frame(true, CLOSE, close), frame(true, TEXT, utf8("after")));
        assertEverySplit(wire, 1 << 20, List.of("message 6c617374 /4", "close 1001 going away"), true);
        assertThat(read(frame(true, CLOSE, new byte[0]), 1 << 20, 1)).containsExactly("close 1005 ");
    }

    /** Over the cap: the first cap bytes and the full length, however fragmented; the next message is untouched. */
    @Test
    void aMessageOverTheCapIsCutToTheCapWithItsFullLengthKept() {
        byte[] whole = pattern(25);
        byte[] wire = concat(
                frame(false, TEXT, Arrays.copyOfRange(whole, 0, 4)),
                frame(false, CONTINUATION, Arrays.copyOfRange(whole, 4, 17)),
                frame(true, CONTINUATION, Arrays.copyOfRange(whole, 17, 25)),
                frame(true, TEXT, pattern(30)),
                frame(true, TEXT, utf8("ok")));
        assertEverySplit(
                wire,
                10,
                List.of(
                        "message " + hex(Arrays.copyOf(whole, 10)) + " /25",
                        "message " + hex(Arrays.copyOf(pattern(30), 10)) + " /30",
                        "message 6f6b /2"),
                true);
    }

    @Test
    void aMessageIsDatedByTheChunkItsFirstByteCameIn() {
        byte[] first = frame(true, TEXT, utf8("one"));
        byte[] second = frame(true, TEXT, utf8("two"));
        byte[] wire = concat(first, second);
        List<Long> dates = new ArrayList<>();
        WebSocketFrameReader reader = new WebSocketFrameReader(100, new Recorder(new ArrayList<>()) {
            @Override
            public void message(byte[] bytes, long fullLength, long receivedMicros) {
                dates.add(receivedMicros);
            }
        });
        int cut = first.length + 1;
        reader.read(wire, 0, cut, 111);
        reader.read(wire, cut, wire.length - cut, 222);
        assertThat(dates).containsExactly(111L, 222L);
    }

    @Test
    void framesThatBreakTheRfcFailWithWhatIsWrong() {
        assertInvalid(maskedFrame(), "masked frame from the server");
        assertInvalid(withFirstByte(frame(true, TEXT, utf8("x")), 0x80 | 0x40 | TEXT), "reserved bits");
        assertInvalid(frame(true, 0x3, utf8("x")), "unknown opcode 0x3");
        assertInvalid(frame(true, PING, new byte[126]), "control frame of 126 bytes");
        assertInvalid(frame(false, PING, utf8("x")), "fragmented control frame");
        assertInvalid(frame(true, CONTINUATION, utf8("x")), "continuation frame with no fragmented message");
        assertInvalid(concat(frame(false, TEXT, utf8("a")), frame(true, TEXT, utf8("b"))), "new text frame inside");
        assertInvalid(frame(true, CLOSE, new byte[] {3}), "one-byte payload");
        byte[] huge = {(byte) (0x80 | BINARY), 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0};
        assertInvalid(huge, "64-bit payload length");
    }

    /** What the client writes is masked, and unmasks to the text whatever its length class. */
    @Test
    void clientFramesAreMaskedAndUnmaskToThePayload() {
        WebSocketFrameWriter writer = new WebSocketFrameWriter(new SecureRandom());
        for (int n : new int[] {0, 5, 125, 126, 65_535, 65_536}) {
            StringBuilder ascii = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                ascii.append((char) ('a' + i % 26));
            }
            String text = ascii.toString();
            byte[] frame = writer.text(text).toArray();
            assertThat(frame[0] & 0xff).isEqualTo(0x80 | TEXT);
            assertThat(frame[1] & 0x80).as("mask bit").isEqualTo(0x80);
            int length7 = frame[1] & 0x7f;
            int headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
            byte[] mask = Arrays.copyOfRange(frame, headerLength, headerLength + 4);
            byte[] payload = Arrays.copyOfRange(frame, headerLength + 4, frame.length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            assertThat(payload).as("length %d", n).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    // --- helpers

    private static void assertInvalid(byte[] wire, String why) {
        for (int chunk : new int[] {1, wire.length}) {
            assertThatThrownBy(() -> readEvery(wire, 1 << 20, chunk))
                    .isInstanceOf(WebSocketException.class)
                    .hasMessageContaining("invalid WebSocket frame from the venue")
                    .hasMessageContaining(why);
        }
    }

    /** Whole, cut once at every point, cut twice at every pair of points (when short), and byte by byte. */
    private static void assertEverySplit(byte[] wire, int cap, List<String> expected, boolean pairs) {
        assertThat(read(wire, cap, wire.length)).isEqualTo(expected);
        for (int cut = 1; cut < wire.length; cut++) {
            assertThat(read(wire, cap, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
        if (pairs && wire.length <= 400) {
            for (int a = 1; a < wire.length; a++) {
                for (int b = a + 1; b < wire.length; b++) {
                    assertThat(read(wire, cap, a, b))
                            .as("cuts at %d and %d", a, b)
                            .isEqualTo(expected);
                }
            }
        }
        assertThat(readEvery(wire, cap, 1)).isEqualTo(expected);
    }

    private static List<String> read(byte[] wire, int cap, int... cuts) {
        List<String> events = new ArrayList<>();
        WebSocketFrameReader reader = new WebSocketFrameReader(cap, new Recorder(events));
        int from = 0;
        for (int cut : cuts) {
            reader.read(ByteString.fromArray(wire, from, cut - from), 0);
            from = cut;
        }
        reader.read(ByteString.fromArray(wire, from, wire.length - from), 0);
        return events;
    }

    private static List<String> readEvery(byte[] wire, int cap, int chunk) {
        List<String> events = new ArrayList<>();
        WebSocketFrameReader reader = new WebSocketFrameReader(cap, new Recorder(events));
        for (int from = 0; from < wire.length; from += chunk) {
            reader.read(wire, from, Math.min(chunk, wire.length - from), 0);
        }
        return events;
    }

    private static class Recorder implements WebSocketFrameReader.Listener {
        private final List<String> events;

        Recorder(List<String> events) {
            this.events = events;
        }

        @Override
        public void message(byte[] bytes, long fullLength, long receivedMicros) {
            events.add("message " + hex(bytes) + " /" + fullLength);
        }

        @Override
        public void ping(byte[] payload) {
            events.add("ping " + hex(payload));
        }

        @Override
        public void close(int code, String reason) {
            events.add("close " + code + " " + reason);
        }
    }

    /** A server's (unmasked) frame. */
    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            out.write(n);
        } else if (n <= 0xffff) {
            out.write(126);
            out.write(n >>> 8);
            out.write(n & 0xff);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (((long) n >>> shift) & 0xff));
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] maskedFrame() {
        return new byte[] {(byte) (0x80 | TEXT), (byte) (0x80 | 1), 1, 2, 3, 4, 'x' ^ 1};
    }

    private static byte[] withFirstByte(byte[] frame, int first) {
        frame[0] = (byte) first;
        return frame;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] pattern(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }
}
