package io.ssmd.core.ws;

import static io.ssmd.core.ws.WebSocketFrameReaderTest.concat;
import static io.ssmd.core.ws.WebSocketFrameReaderTest.frame;
import static io.ssmd.core.ws.WebSocketFrameReaderTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * ssmd's WebSocket client against a real socket server that speaks RFC 6455 from a script: the handshake and its
 * refusals, messages of bytes, pings answered, text frames masked, the close handshake both ways. (The shards' own
 * tests in ssmd-feeds run the client against the venues' replay servers.)
 */
class WebSocketClientTest {

    static final ActorTestKit TESTKIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        TESTKIT.shutdownTestKit();
    }

    /** What the client hands over: the bytes as text, and the full length. */
    record Received(String text, long fullLength) {}

    /** A running client: its outbound queue, handshake outcome, kill switch, received messages and end. */
    record Client(
            BoundedSourceQueue<String> outbound,
            CompletionStage<WebSocketUpgradeResponse> upgrade,
            UniqueKillSwitch killSwitch,
            BlockingQueue<Received> received,
            CompletionStage<Done> done) {}

    @Test
    void messagesArriveAsBytesPingsAreAnsweredAndTextGoesOutMasked() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain()) {
            Client client = connect(server.uri("/v2?x=1"), Map.of("X-Api-Sig", "s3cret"), 1 << 20, null);
            Map<String, String> request = server.acceptAndAnswer();
            assertThat(request.get("request-line")).isEqualTo("GET /v2?x=1 HTTP/1.1");
            assertThat(request.get("x-api-sig")).isEqualTo("s3cret");
            assertThat(request.get("sec-websocket-version")).isEqualTo("13");
            assertThat(client.upgrade()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS)
                            .isValid())
                    .isTrue();

            server.send(concat(
                    frame(true, WebSocketFrameReader.TEXT, utf8("{\"q\":\"é€\"}")),
                    frame(false, WebSocketFrameReader.TEXT, utf8("{\"a\":")),
                    frame(true, WebSocketFrameReader.PING, utf8("are you there")),
                    frame(true, WebSocketFrameReader.CONTINUATION, utf8("1}"))));
            assertThat(next(client)).isEqualTo(new Received("{\"q\":\"é€\"}", utf8("{\"q\":\"é€\"}").length));
            assertThat(next(client)).isEqualTo(new Received("{\"a\":1}", 7));
            ScriptedServer.Frame pong = server.readFrame();
            assertThat(pong.opcode()).isEqualTo(WebSocketFrameReader.PONG);
            assertThat(pong.masked()).isTrue();
            assertThat(new String(pong.payload(), StandardCharsets.UTF_8)).isEqualTo("are you there");

            client.outbound().offer("{\"method\":\"subscribe\"}");
            ScriptedServer.Frame subscribe = server.readFrame();
            assertThat(subscribe.opcode()).isEqualTo(WebSocketFrameReader.TEXT);
            assertThat(subscribe.masked()).isTrue();
            assertThat(new String(subscribe.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"method\":\"subscribe\"}");

            // The venue's normal close is answered with a close and ends the stream without an error.
            server.send(frame(true, WebSocketFrameReader.CLOSE, new byte[] {0x03, (byte) 0xe8}));
            ScriptedServer.Frame closeReply = server.readFrame();
            assertThat(closeReply.opcode()).isEqualTo(WebSocketFrameReader.CLOSE);
            assertThat(closeReply.payload()).containsExactly(0x03, 0xe8);
            assertThat(client.done().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isEqualTo(Done.getInstance());
        }
    }

    @Test
    void aMessageOverTheCapArrivesCutWithItsFullLength() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain()) {
            Client client = connect(server.uri("/"), Map.of(), 8, null);
            server.acceptAndAnswer();
            server.send(concat(
                    frame(true, WebSocketFrameReader.TEXT, utf8("0123456789abcdef")),
                    frame(true, WebSocketFrameReader.TEXT, utf8("short"))));
            assertThat(next(client)).isEqualTo(new Received("01234567", 16));
            assertThat(next(client)).isEqualTo(new Received("short", 5));
        }
    }

    @Test
    void aWrongAcceptIsARefusedHandshake() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain()) {
            Client client = connect(server.uri("/"), Map.of(), 1 << 20, null);
            server.accept();
            server.send(utf8("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
            WebSocketUpgradeResponse upgrade =
                    client.upgrade().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(upgrade.isValid()).isFalse();
            assertThat(upgrade.invalidationReason())
                    .contains("Sec-WebSocket-Accept 'dGhlIHNhbXBsZSBub25jZQ=='")
                    .contains("does not match the key sent");
            assertThat(failure(client))
                    .hasMessageContaining("handshake refused")
                    .hasMessageContaining("Sec-WebSocket-Accept");
            assertThat(client.received()).isEmpty();
        }
    }

    /** A venue's 429 (too many connections) surfaces with its status and what its body says. */
    @Test
    void aRefusalWithStatusAndBodyKeepsBoth() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain()) {
            Client client = connect(server.uri("/"), Map.of(), 1 << 20, null);
            server.accept();
            String body = "{\"error\":\"too many connections\"}";
            server.send(utf8("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body.substring(0, 10)));
            // The rest of the body comes in a second write (most likely a second chunk): the refusal waits for it.
            server.send(utf8(body.substring(10)));
            WebSocketUpgradeResponse upgrade =
                    client.upgrade().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(upgrade.isValid()).isFalse();
            assertThat(upgrade.response().status().intValue()).isEqualTo(429);
            assertThat(upgrade.invalidationReason())
                    .isEqualTo("unexpected status code: 429 Too Many Requests; body: " + body);
            assertThat(failure(client))
                    .isInstanceOf(WebSocketException.class)
                    .hasMessage("handshake refused: unexpected status code: 429 Too Many Requests; body: " + body);
        }
    }

    @Test
    void aCloseWithAnErrorCodeFailsTheStreamWithTheCode() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain()) {
            Client client = connect(server.uri("/"), Map.of(), 1 << 20, null);
            server.acceptAndAnswer();
            server.send(concat(
                    frame(true, WebSocketFrameReader.TEXT, utf8("before")),
                    frame(true, WebSocketFrameReader.CLOSE, concat(new byte[] {0x03, (byte) 0xf0}, utf8("slow")))));
            assertThat(next(client)).isEqualTo(new Received("before", 6));
            assertThat(server.readFrame().payload()).startsWith(0x03, 0xf0);
            assertThat(failure(client)).hasMessage("the venue closed the WebSocket with code 1008 (slow)");
        }
    }

    @Test
    void aConnectionDroppedWithoutACloseFrameFailsTheStream() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain()) {
            Client client = connect(server.uri("/"), Map.of(), 1 << 20, null);
            server.acceptAndAnswer();
            server.send(frame(true, WebSocketFrameReader.TEXT, utf8("one")));
            assertThat(next(client).text()).isEqualTo("one");
            server.closeConnection();
            assertThat(failure(client)).hasMessageContaining("without a WebSocket close frame");
        }
    }

    @Test
    void anInvalidFrameFailsTheStreamSayingWhy() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain()) {
            Client client = connect(server.uri("/"), Map.of(), 1 << 20, null);
            server.acceptAndAnswer();
            server.send(new byte[] {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 'x' ^ 1});
            assertThat(failure(client)).hasMessageContaining("masked frame from the server");
        }
    }

    /** The shard's kill switch: the client says goodbye with a close frame (1000) before the connection ends. */
    @Test
    void theApplicationEndingSendsACloseFrame() throws Exception {
        try (ScriptedServer server = ScriptedServer.plain()) {
            Client client = connect(server.uri("/"), Map.of(), 1 << 20, null);
            server.acceptAndAnswer();
            client.upgrade().toCompletableFuture().get(10, TimeUnit.SECONDS);
            client.killSwitch().shutdown();
            ScriptedServer.Frame close = server.readFrame();
            assertThat(close.opcode()).isEqualTo(WebSocketFrameReader.CLOSE);
            assertThat(close.payload()).containsExactly(0x03, 0xe8);
            assertThat(server.readsEndOfStream()).isTrue();
        }
    }

    @Test
    void wssSpeaksTlsAndChecksTheServersName() throws Exception {
        try (ScriptedServer server = ScriptedServer.tls()) {
            Client client = connect(
                    URI.create("wss://localhost:" + server.port() + "/ws"), Map.of(), 1 << 20, server::clientContext);
            assertThat(server.acceptAndAnswer().get("host")).isEqualTo("localhost:" + server.port());
            assertThat(client.upgrade()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS)
                            .isValid())
                    .isTrue();
            server.send(frame(true, WebSocketFrameReader.TEXT, utf8("{\"over\":\"tls\"}")));
            assertThat(next(client).text()).isEqualTo("{\"over\":\"tls\"}");
            client.outbound().offer("hi");
            assertThat(new String(server.readFrame().payload(), StandardCharsets.UTF_8))
                    .isEqualTo("hi");
        }
        // The same certificate under a name it does not carry: the TLS handshake fails, no WebSocket opens.
        try (ScriptedServer server = ScriptedServer.tls()) {
            Client client = connect(
                    URI.create("wss://127.0.0.2:" + server.port() + "/ws"), Map.of(), 1 << 20, server::clientContext);
            server.acceptTlsQuietly();
            assertThat(client.upgrade().toCompletableFuture())
                    .failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableOfType(ExecutionException.class);
            assertThat(client.received()).isEmpty();
        }
    }

    // --- helpers

    private static Client connect(URI uri, Map<String, String> headers, int cap, Supplier<SSLContext> tls) {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        var flow = tls == null
                ? WebSocketClient.flow(TESTKIT.system(), uri, headers, cap, WebSocketClientTest::received)
                : WebSocketClient.flow(TESTKIT.system(), uri, headers, cap, WebSocketClientTest::received, tls);
        Pair<
                        Pair<
                                Pair<BoundedSourceQueue<String>, CompletionStage<WebSocketUpgradeResponse>>,
                                UniqueKillSwitch>,
                        CompletionStage<Done>>
                m = Source.<String>queue(16)
                        .viaMat(flow, Keep.both())
                        .viaMat(KillSwitches.single(), Keep.both())
                        .toMat(Sink.foreach(received::add), Keep.both())
                        .run(TESTKIT.system());
        return new Client(
                m.first().first().first(), m.first().first().second(), m.first().second(), received, m.second());
    }

    private static Received received(byte[] bytes, long receivedMicros, long fullLength) {
        return new Received(new String(bytes, StandardCharsets.UTF_8), fullLength);
    }

    private static Received next(Client client) throws InterruptedException {
        Received next = client.received().poll(10, TimeUnit.SECONDS);
        assertThat(next).as("a message within 10 s").isNotNull();
        return next;
    }

    private static Throwable failure(Client client) {
        CompletableFuture<Done> done = client.done().toCompletableFuture();
        assertThat(done).failsWithin(10, TimeUnit.SECONDS);
        try {
            done.join();
            throw new AssertionError("the stream completed");
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    /** A one-connection socket server that plays the venue from the test's script. */
    static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket listener;
        private final TestTls tls;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private String key;

        private ScriptedServer(ServerSocket listener, TestTls tls) {
            this.listener = listener;
            this.tls = tls;
        }

        static ScriptedServer plain() throws IOException {
            return new ScriptedServer(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), null);
        }

        static ScriptedServer tls() throws Exception {
            TestTls tls = TestTls.create();
            return new ScriptedServer(
                    tls.serverContext()
                            .getServerSocketFactory()
                            .createServerSocket(0, 1, InetAddress.getByName("0.0.0.0")),
                    tls);
        }

        int port() {
            return listener.getLocalPort();
        }

        URI uri(String path) {
            return URI.create("ws://127.0.0.1:" + port() + path);
        }

        SSLContext clientContext() {
            return tls.clientContext();
        }

        Map<String, String> accept() throws IOException {
            listener.setSoTimeout(10_000);
            socket = listener.accept();
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the client closed before its request head ended");
                }
                head.write(b);
            }
            Map<String, String> request = new LinkedHashMap<>();
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            request.put("request-line", lines[0]);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                request.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            key = request.get("sec-websocket-key");
            return request;
        }

        void acceptTlsQuietly() {
            try {
                accept();
            } catch (IOException expected) {
                // The client refuses the certificate: the server's side of the TLS handshake fails.
            }
        }

        Map<String, String> acceptAndAnswer() throws IOException {
            Map<String, String> request = accept();
            send(utf8("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WebSocketHandshake.accept(key) + "\r\n\r\n"));
            return request;
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void closeConnection() throws IOException {
            socket.close();
        }

        /** The next frame from the client, unmasked. */
        Frame readFrame() throws IOException {
            int b0 = readByte();
            int b1 = readByte();
            boolean masked = (b1 & 0x80) != 0;
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            byte[] mask = masked ? in.readNBytes(4) : new byte[4];
            byte[] payload = in.readNBytes((int) length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new Frame(b0 & 0x0f, masked, payload);
        }

        /** Whether the client closed its side after what was read. */
        boolean readsEndOfStream() throws IOException {
            try {
                return in.read() == -1;
            } catch (java.net.SocketException reset) {
                return true;
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed the connection");
            }
            return b;
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
            }
            listener.close();
        }

        record Frame(int opcode, boolean masked, byte[] payload) {
            @Override
            public String toString() {
                return "Frame[" + opcode + ", " + masked + ", " + Arrays.toString(payload) + "]";
            }
        }
    }
}
