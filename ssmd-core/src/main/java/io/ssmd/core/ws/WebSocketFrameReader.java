package io.ssmd.core.ws;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.pekko.util.ByteString;

/**
 * Reads RFC 6455 frames from a server, chunk by chunk as TCP delivers them, into whole messages of bytes: text and
 * binary alike, fragmented messages reassembled, control frames (which may come between the fragments of a message)
 * handed to the listener. No {@code String} is made of a message and nothing is decoded as UTF-8: the bytes are the
 * venue's (DESIGN §5), and a frame that is not valid JSON is the decoder's to route to the unparsed subject.
 *
 * <p>A message longer than {@code cap} keeps its first {@code cap} bytes and its full length; the rest is read and
 * counted, not kept (the shard publishes it truncated, DESIGN §4). Frames that break the RFC (reserved bits without an
 * extension, a masked frame from the server, an unknown opcode, a fragmented or oversized control frame, a
 * continuation with no message begun, a new message inside a fragmented one) end the connection with a
 * {@link WebSocketException} that says which. Not thread-safe: one connection's stage owns it.
 */
final class WebSocketFrameReader {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A close frame without a status code (RFC 6455 §7.4.1: 1005, never sent on the wire). */
    static final int NO_STATUS = 1005;

    /** A fragmented message's first buffer, when its first frame is short: the buffer doubles from there. */
    private static final int FIRST_FRAGMENT_BUFFER = 1024;

    /** What the reader found. Called on the reader's thread, in wire order. */
    interface Listener {
        /** A whole message: its first {@code cap} bytes, its full length, when its first frame began to arrive. */
        void message(byte[] bytes, long fullLength, long receivedMicros);

        /** A ping: the connection answers it with a pong of the same payload. */
        void ping(byte[] payload);

        /** The server's close frame; nothing after it is read. */
        void close(int code, String reason);
    }

    private final int cap;
    private final Listener listener;

    private final byte[] header = new byte[10];
    private int headerHave;
    private int headerNeed = 2;

    private boolean inPayload;
    private long payloadLeft;
    private int opcode;
    private boolean fin;

    private boolean inMessage;
    private byte[] message;
    private int kept;
    private long length;
    private long received;

    private final byte[] control = new byte[125];
    private int controlHave;

    private boolean closed;

    WebSocketFrameReader(int cap, Listener listener) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1, got " + cap);
        }
        this.cap = cap;
        this.listener = listener;
    }

    /** Whether the server's close frame has been read: what follows it is ignored. */
    boolean closed() {
        return closed;
    }

    /** Reads one chunk of the socket; {@code receivedMicros} dates the messages that begin in it. */
    void read(ByteString chunk, long receivedMicros) {
        // A chunk from TCP or TLS is one compact array: this is that array, not a copy.
        byte[] bytes = chunk.toArrayUnsafe();
        read(bytes, 0, bytes.length, receivedMicros);
    }

    void read(byte[] bytes, int offset, int count, long receivedMicros) {
        int i = offset;
        int end = offset + count;
        while (i < end && !closed) {
            if (!inPayload) {
                while (headerHave < headerNeed && i < end) {
                    header[headerHave++] = bytes[i++];
                    if (headerHave == 2) {
                        int length7 = header[1] & 0x7f;
                        headerNeed = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
                    }
                }
                if (headerHave < headerNeed) {
                    return;
                }
                startFrame(receivedMicros);
            } else {
                int n = (int) Math.min(payloadLeft, end - i);
                payload(bytes, i, n);
                i += n;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    endFrame();
                }
            }
        }
    }

    private void startFrame(long receivedMicros) {
        int b0 = header[0] & 0xff;
        int b1 = header[1] & 0xff;
        headerHave = 0;
        headerNeed = 2;
        fin = (b0 & 0x80) != 0;
        opcode = b0 & 0x0f;
        if ((b0 & 0x70) != 0) {
            throw invalid("reserved bits set (RSV1-3) but no extension was negotiated");
        }
        if ((b1 & 0x80) != 0) {
            throw invalid("a masked frame from the server (RFC 6455 §5.1: a client must close the connection)");
        }
        long len = b1 & 0x7f;
        if (len == 126) {
            len = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        } else if (len == 127) {
            len = 0;
            for (int k = 2; k < 10; k++) {
                len = (len << 8) | (header[k] & 0xff);
            }
            if (len < 0) {
                throw invalid("a 64-bit payload length with its most significant bit set");
            }
        }
        switch (opcode) {
            case CONTINUATION -> {
                if (!inMessage) {
                    throw invalid("a continuation frame with no fragmented message begun");
                }
            }
            case TEXT, BINARY -> {
                if (inMessage) {
                    throw invalid("a new " + (opcode == TEXT ? "text" : "binary")
                            + " frame inside a fragmented message (continuation expected)");
                }
                beginMessage(len, receivedMicros);
            }
            case CLOSE, PING, PONG -> {
                if (!fin) {
                    throw invalid("a fragmented control frame (opcode 0x" + Integer.toHexString(opcode) + ")");
                }
                if (len > control.length) {
                    throw invalid("a control frame of " + len + " bytes (at most 125)");
                }
                controlHave = 0;
            }
            default -> throw invalid("unknown opcode 0x" + Integer.toHexString(opcode));
        }
        payloadLeft = len;
        inPayload = true;
        if (len == 0) {
            endFrame();
        }
    }

    private void beginMessage(long frameLength, long receivedMicros) {
        inMessage = true;
        kept = 0;
        length = 0;
        received = receivedMicros;
        long first = fin ? frameLength : Math.max(frameLength, FIRST_FRAGMENT_BUFFER);
        message = new byte[(int) Math.min(first, cap)];
    }

    private void payload(byte[] bytes, int from, int n) {
        if (opcode >= CLOSE) {
            System.arraycopy(bytes, from, control, controlHave, n);
            controlHave += n;
            return;
        }
        length += n;
        int take = Math.min(n, cap - kept);
        if (take <= 0) {
            return;
        }
        if (kept + take > message.length) {
            long grown = Math.max(kept + take, 2L * message.length);
            message = Arrays.copyOf(message, (int) Math.min(grown, cap));
        }
        System.arraycopy(bytes, from, message, kept, take);
        kept += take;
    }

    private void endFrame() {
        inPayload = false;
        switch (opcode) {
            case PING -> listener.ping(Arrays.copyOf(control, controlHave));
            case PONG -> {
                // We send no pings of our own; an unsolicited pong is allowed and means nothing.
            }
            case CLOSE -> {
                if (controlHave == 1) {
                    throw invalid("a close frame with a one-byte payload (a status code is two bytes)");
                }
                int code = controlHave == 0 ? NO_STATUS : ((control[0] & 0xff) << 8) | (control[1] & 0xff);
                String reason = controlHave <= 2 ? "" : new String(control, 2, controlHave - 2, StandardCharsets.UTF_8);
                closed = true;
                listener.close(code, reason);
            }
            default -> {
                if (fin) {
                    byte[] bytes = kept == message.length ? message : Arrays.copyOf(message, kept);
                    inMessage = false;
                    message = null;
                    listener.message(bytes, length, received);
                }
            }
        }
    }

    private static WebSocketException invalid(String what) {
        return new WebSocketException("invalid WebSocket frame from the venue: " + what);
    }
}
