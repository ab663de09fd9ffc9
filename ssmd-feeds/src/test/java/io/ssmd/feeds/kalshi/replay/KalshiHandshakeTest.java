package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiTestServer.KEYS;
import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static io.ssmd.feeds.kalshi.KalshiTestServer.signedHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.feeds.kalshi.KalshiProtocol;
import io.ssmd.feeds.kalshi.KalshiTestServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signed WebSocket handshake as a plain JDK client sees it: accepted, or HTTP 401 before the upgrade. */
class KalshiHandshakeTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The DER header of an X.509 SubjectPublicKeyInfo around a 2048-bit PKCS#1 RSAPublicKey. */
    private static final byte[] SPKI_RSA_2048_PREFIX = {
        0x30,
        (byte) 0x82,
        0x01,
        0x22,
        0x30,
        0x0d,
        0x06,
        0x09,
        0x2a,
        (byte) 0x86,
        0x48,
        (byte) 0x86,
        (byte) 0xf7,
        0x0d,
        0x01,
        0x01,
        0x01,
        0x05,
        0x00,
        0x03,
        (byte) 0x82,
        0x01,
        0x0f,
        0x00
    };

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void aGoodSignatureIsAcceptedAndTheSessionWorks() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1);
                WsTestClient client = server.connect()) {
            client.send("{\"id\":1,\"cmd\":\"list_subscriptions\"}");
            assertThat(client.next(WAIT)).isEqualTo("{\"type\":\"ok\",\"id\":1,\"msg\":[]}");
        }
    }

    @Test
    void aBadSignatureAMissingHeaderAndAStaleTimestampGet401() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1)) {
            long now = System.currentTimeMillis();
            Map<String, String> otherKey = signedHeaders(
                    KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate(), now);
            Map<String, String> otherPath = new HashMap<>(signedHeaders(KEYS.getPrivate(), now));
            otherPath.put(
                    "KALSHI-ACCESS-SIGNATURE", KalshiTestServer.sign(KEYS.getPrivate(), now + "GET/trade-api/v2"));
            Map<String, String> noSignature = new HashMap<>(signedHeaders(KEYS.getPrivate(), now));
            noSignature.remove("KALSHI-ACCESS-SIGNATURE");
            Map<String, String> noKey = new HashMap<>(signedHeaders(KEYS.getPrivate(), now));
            noKey.remove("KALSHI-ACCESS-KEY");
            Map<String, String> stale = signedHeaders(KEYS.getPrivate(), now - 60_000);
            // An old doc page said seconds: a seconds timestamp is decades stale.
            Map<String, String> seconds = signedHeaders(KEYS.getPrivate(), now / 1000);

            for (Map<String, String> headers : List.of(otherKey, otherPath, noSignature, noKey, stale, seconds)) {
                assertThat(handshakeStatus(server, headers))
                        .as(headers.toString())
                        .isEqualTo(401);
            }
            assertThat(reason(server, otherKey)).contains("invalid signature");
            assertThat(reason(server, noSignature))
                    .isEqualTo("{\"error\":{\"code\":\"authentication_error\","
                            + "\"message\":\"missing header KALSHI-ACCESS-SIGNATURE\"}}");
            assertThat(reason(server, noKey)).contains("missing header KALSHI-ACCESS-KEY");
            assertThat(reason(server, stale))
                    .contains("KALSHI-ACCESS-TIMESTAMP is")
                    .contains("ms from the server clock");
        }
    }

    @Test
    void aPkcs1RsaPublicKeyPemIsReadToo() throws Exception {
        byte[] spki = KEYS.getPublic().getEncoded();
        assertThat(Arrays.copyOf(spki, SPKI_RSA_2048_PREFIX.length)).isEqualTo(SPKI_RSA_2048_PREFIX);
        Path pkcs1 = dir.resolve("kalshi-pkcs1.pem");
        Files.writeString(
                pkcs1,
                KalshiTestServer.pem(
                        "RSA PUBLIC KEY", Arrays.copyOfRange(spki, SPKI_RSA_2048_PREFIX.length, spki.length)));
        ReplaySettings settings = ReplaySettings.synthetic("kalshi", 0, 10, 1).withKalshiPublicKey(pkcs1);
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(), settings);
                WsTestClient client = server.connect()) {
            client.send("{\"id\":7,\"cmd\":\"list_subscriptions\"}");
            assertThat(client.next(WAIT)).isEqualTo("{\"type\":\"ok\",\"id\":7,\"msg\":[]}");
            Map<String, String> otherKey = signedHeaders(
                    KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate(), System.currentTimeMillis());
            assertThat(handshakeStatus(server, otherKey)).isEqualTo(401);
        }
    }

    @Test
    void withoutAPublicKeyAnySignaturePassesButHeadersAndTimeAreStillChecked() throws Exception {
        ReplaySettings settings = ReplaySettings.synthetic("kalshi", 0, 10, 1);
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(), settings)) {
            Map<String, String> unsigned = new HashMap<>(signedHeaders(KEYS.getPrivate(), System.currentTimeMillis()));
            unsigned.put("KALSHI-ACCESS-SIGNATURE", "bm90IGEgc2lnbmF0dXJl");
            try (WsTestClient client = WsTestClient.connect(server.websocketUri(), unsigned)) {
                client.send("{\"id\":1,\"cmd\":\"list_subscriptions\"}");
                assertThat(client.next(WAIT)).isEqualTo("{\"type\":\"ok\",\"id\":1,\"msg\":[]}");
            }
            assertThat(handshakeStatus(server, Map.of())).isEqualTo(401);
            assertThat(handshakeStatus(server, signedHeaders(KEYS.getPrivate(), System.currentTimeMillis() - 600_000)))
                    .isEqualTo(401);
        }
    }

    @Test
    void aFileWithoutAKeyIsRefusedAtStart() throws Exception {
        Path notAKey = dir.resolve("not-a-key.pem");
        Files.writeString(notAKey, "hello");
        assertThatThrownBy(() -> KalshiReplayServer.create(
                        ReplaySettings.synthetic("kalshi", 0, 10, 1).withKalshiPublicKey(notAKey)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not-a-key.pem");
    }

    /** The HTTP status of a refused WebSocket upgrade, as the JDK client reports it. */
    private static int handshakeStatus(KalshiTestServer server, Map<String, String> headers) {
        try {
            WsTestClient.connect(server.websocketUri(), headers).close();
            return 101;
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    /** The 401 body: the same check answers a plain GET, where the JDK lets us read the body. */
    private static String reason(KalshiTestServer server, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.http(KalshiProtocol.WEBSOCKET_PATH));
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return response.body();
    }
}
