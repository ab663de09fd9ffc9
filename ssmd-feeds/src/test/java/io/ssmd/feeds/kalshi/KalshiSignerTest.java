package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.kalshi.KalshiTestServer.KEYS;
import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.config.KalshiCredentials;
import io.ssmd.feeds.replay.WsTestClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ssmd's side of Kalshi's signed handshake: PKCS#8 and PKCS#1 keys, a fresh signature per call, the server's verdict. */
class KalshiSignerTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void pkcs8AndPkcs1PemsReadToTheSameKey() throws Exception {
        Path pkcs8 = dir.resolve("pkcs8.pem");
        Path pkcs1 = dir.resolve("pkcs1.pem");
        byte[] encoded = KEYS.getPrivate().getEncoded();
        Files.writeString(pkcs8, KalshiTestServer.pem("PRIVATE KEY", encoded));
        Files.writeString(pkcs1, KalshiTestServer.pem("RSA PRIVATE KEY", pkcs1Of(encoded)));

        PrivateKey fromPkcs8 = KalshiSigner.readPrivateKey(pkcs8);
        PrivateKey fromPkcs1 = KalshiSigner.readPrivateKey(pkcs1);

        assertThat(fromPkcs8.getEncoded()).isEqualTo(encoded);
        assertThat(fromPkcs1.getEncoded()).isEqualTo(encoded);
    }

    @Test
    void everyCallSignsTheTimestampOfThatCallOverGetAndTheWebSocketPath() throws Exception {
        AtomicLong clock = new AtomicLong(1_787_838_983_996L);
        KalshiSigner signer = KalshiSigner.create("key-id", KEYS.getPrivate(), clock::get);

        Map<String, String> first = signer.headers();
        clock.addAndGet(1500);
        Map<String, String> second = signer.headers();

        assertThat(first)
                .containsEntry("KALSHI-ACCESS-KEY", "key-id")
                .containsEntry("KALSHI-ACCESS-TIMESTAMP", "1787838983996");
        assertThat(second).containsEntry("KALSHI-ACCESS-TIMESTAMP", "1787838985496");
        assertThat(verifies(first.get("KALSHI-ACCESS-SIGNATURE"), "1787838983996GET/trade-api/ws/v2"))
                .isTrue();
        assertThat(verifies(second.get("KALSHI-ACCESS-SIGNATURE"), "1787838985496GET/trade-api/ws/v2"))
                .isTrue();
        assertThat(signer.toString()).doesNotContain("key-id");
    }

    @Test
    void theReplayServerAcceptsSsmdsSignatureAndRefusesABadOne() throws Exception {
        Path pkcs1 = dir.resolve("kalshi.pem");
        Files.writeString(
                pkcs1,
                KalshiTestServer.pem(
                        "RSA PRIVATE KEY", pkcs1Of(KEYS.getPrivate().getEncoded())));
        KalshiSigner signer = KalshiSigner.create(new KalshiCredentials("a952bcbe", pkcs1));
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1)) {
            try (WsTestClient client = WsTestClient.connect(server.websocketUri(), signer.headers())) {
                client.send(KalshiProtocol.LIST_SUBSCRIPTIONS);
                assertThat(client.next(WAIT)).isEqualTo("{\"type\":\"ok\",\"msg\":[]}");
            }
            Map<String, String> tampered = new HashMap<>(signer.headers());
            tampered.put(
                    "KALSHI-ACCESS-TIMESTAMP",
                    Long.toString(Long.parseLong(tampered.get("KALSHI-ACCESS-TIMESTAMP")) - 1));
            assertThat(handshakeStatus(server, tampered)).isEqualTo(401);
        }
    }

    @Test
    void aFileWithoutAKeyIsRefusedNamingTheFileOnly() throws Exception {
        Path notAKey = dir.resolve("not-a-key.pem");
        Files.writeString(notAKey, "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> KalshiSigner.readPrivateKey(notAKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not-a-key.pem")
                .hasMessageNotContaining("c2VjcmV0");
        Path publicKey = dir.resolve("public.pem");
        Files.writeString(
                publicKey, KalshiTestServer.pem("PUBLIC KEY", KEYS.getPublic().getEncoded()));
        assertThatThrownBy(() -> KalshiSigner.readPrivateKey(publicKey)).hasMessageContaining("PKCS#1");
    }

    private static boolean verifies(String signature, String message) throws Exception {
        Signature verifier = Signature.getInstance("RSASSA-PSS");
        verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        verifier.initVerify(KEYS.getPublic());
        verifier.update(message.getBytes(StandardCharsets.UTF_8));
        return verifier.verify(Base64.getDecoder().decode(signature));
    }

    private static int handshakeStatus(KalshiTestServer server, Map<String, String> headers) {
        try {
            WsTestClient.connect(server.websocketUri(), headers).close();
            return 101;
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    /** The PKCS#1 key inside a PKCS#8 encoding: the content of its OCTET STRING, found by walking the DER. */
    static byte[] pkcs1Of(byte[] pkcs8) {
        int[] at = {0};
        header(pkcs8, at);
        skip(pkcs8, at);
        skip(pkcs8, at);
        int length = header(pkcs8, at);
        return Arrays.copyOfRange(pkcs8, at[0], at[0] + length);
    }

    private static void skip(byte[] der, int[] at) {
        int length = header(der, at);
        at[0] += length;
    }

    /** Reads a tag and a length, leaving {@code at} on the content; the content length. */
    private static int header(byte[] der, int[] at) {
        at[0]++;
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at[0]++] & 0xff);
        }
        return length;
    }
}
