package io.ssmd.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client that subscribes and then never reads, on a plain socket with a small receive buffer: a client
 * library would keep reading into its own buffers, and the kernel's receive buffer autotunes to tens of MiB, both of
 * which would hide the stall from the gateway for minutes.
 */
final class StalledClient {

    private StalledClient() {}

    /** Connects, upgrades to WebSocket, sends {@code message} as one text frame and returns the unread socket. */
    static Socket open(int port, String pathAndQuery, String message) throws IOException {
        Socket socket = new Socket();
        // Set before connecting, so the window is small from the handshake on and never autotuned.
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(nonce)
                        + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // The upgrade's answer is read (only it): a frame sent before it would be parsed as a second HTTP request.
        String response = responseHead(socket.getInputStream());
        if (!response.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("the WebSocket upgrade was refused: "
                    + response.lines().findFirst().orElse(""));
        }
        out.write(textFrame(message));
        out.flush();
        return socket;
    }

    private static String responseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection during the WebSocket upgrade");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket the server has already dropped: nothing left to do.
        }
    }

    /** One final, masked text frame (RFC 6455 §5.2: a client masks everything it sends). */
    private static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("a stalled client sends short messages only");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
