package io.ssmd.feeds.kalshi.replay;

import io.ssmd.feeds.kalshi.KalshiProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.KeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Kalshi's WebSocket handshake check (PROTOCOLS.md §1.2): three headers, a timestamp in milliseconds close to the
 * server's clock, and an RSA-PSS signature (SHA-256, MGF1 SHA-256, 32-byte salt, base64) over
 * {@code timestamp + "GET" + "/trade-api/ws/v2"}. A failure is answered with HTTP 401 before the upgrade.
 *
 * <p>Without a configured public key the headers and the timestamp are still required, but any signature passes:
 * the replay server cannot know a key it was not given.
 */
final class KalshiHandshake {

    static final String KEY_HEADER = "KALSHI-ACCESS-KEY";
    static final String TIMESTAMP_HEADER = "KALSHI-ACCESS-TIMESTAMP";
    static final String SIGNATURE_HEADER = "KALSHI-ACCESS-SIGNATURE";

    /** DER tag of an ASN.1 SEQUENCE and INTEGER, for reading a PKCS#1 {@code RSAPublicKey}. */
    private static final int SEQUENCE = 0x30;

    private static final int INTEGER = 0x02;

    private final Optional<PublicKey> publicKey;
    private final Duration maxClockSkew;
    private final LongSupplier clock;

    KalshiHandshake(Optional<PublicKey> publicKey, Duration maxClockSkew, LongSupplier clock) {
        this.publicKey = publicKey;
        this.maxClockSkew = maxClockSkew;
        this.clock = clock;
    }

    /** Empty when the handshake may proceed, else the 401 to answer with. */
    Optional<HttpResponse> check(HttpRequest request) {
        return problem(request).map(KalshiHandshake::unauthorized);
    }

    private Optional<String> problem(HttpRequest request) {
        Optional<String> key = header(request, KEY_HEADER);
        Optional<String> timestamp = header(request, TIMESTAMP_HEADER);
        Optional<String> signature = header(request, SIGNATURE_HEADER);
        if (key.isEmpty() || timestamp.isEmpty() || signature.isEmpty()) {
            return Optional.of("missing header "
                    + (key.isEmpty() ? KEY_HEADER : timestamp.isEmpty() ? TIMESTAMP_HEADER : SIGNATURE_HEADER));
        }
        long millis;
        try {
            millis = Long.parseLong(timestamp.get().trim());
        } catch (NumberFormatException e) {
            return Optional.of(TIMESTAMP_HEADER + " must be Unix time in milliseconds, got '" + timestamp.get() + "'");
        }
        long skew = Math.abs(clock.getAsLong() - millis);
        if (skew > maxClockSkew.toMillis()) {
            // Seconds instead of milliseconds (an old doc page said seconds) lands here too, some 55 years off.
            return Optional.of(TIMESTAMP_HEADER + " is " + skew + " ms from the server clock; at most "
                    + maxClockSkew.toMillis() + " ms is allowed");
        }
        if (publicKey.isPresent()
                && !verifies(
                        publicKey.get(), timestamp.get().trim(), signature.get().trim())) {
            return Optional.of("invalid signature: " + SIGNATURE_HEADER + " does not verify against the public key "
                    + "for timestamp + \"GET\" + \"" + KalshiProtocol.WEBSOCKET_PATH + "\"");
        }
        return Optional.empty();
    }

    private static boolean verifies(PublicKey key, String timestamp, String signature) {
        byte[] signed;
        try {
            signed = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            verifier.initVerify(key);
            verifier.update((timestamp + "GET" + KalshiProtocol.WEBSOCKET_PATH).getBytes(StandardCharsets.UTF_8));
            return verifier.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Optional<String> header(HttpRequest request, String name) {
        return request.getHeader(name).map(HttpHeader::value).filter(v -> !v.isBlank());
    }

    /** Kalshi's REST error shape, {@code {"error":{"code","message"}}}, with the reason in the message. */
    private static HttpResponse unauthorized(String reason) {
        StringBuilder body = new StringBuilder("{\"error\":{\"code\":\"authentication_error\",\"message\":");
        KalshiProtocol.quote(body, reason);
        body.append("}}");
        return HttpResponse.create()
                .withStatus(StatusCodes.UNAUTHORIZED)
                .withEntity(ContentTypes.APPLICATION_JSON, body.toString());
    }

    /**
     * Reads an RSA public key PEM: X.509 {@code PUBLIC KEY} (what {@code openssl rsa -pubout} writes) or PKCS#1
     * {@code RSA PUBLIC KEY}, which the JDK cannot read by itself (DESIGN.md §11) and is decoded here: it is just a
     * DER SEQUENCE of the modulus and the exponent.
     *
     * @throws IllegalArgumentException naming the file when it holds no such key
     */
    static PublicKey readPublicKey(Path pem) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kalshi public key " + pem, e);
        }
        boolean pkcs1 = text.contains("-----BEGIN RSA PUBLIC KEY-----");
        if (!pkcs1 && !text.contains("-----BEGIN PUBLIC KEY-----")) {
            throw new IllegalArgumentException(pem + ": expected a PEM \"PUBLIC KEY\" or \"RSA PUBLIC KEY\"");
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            KeySpec spec = pkcs1 ? pkcs1Spec(der) : new X509EncodedKeySpec(der);
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + ": not a readable RSA public key: " + e.getMessage(), e);
        }
    }

    /** {@code RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }}. */
    private static RSAPublicKeySpec pkcs1Spec(byte[] der) {
        int[] at = {0};
        expect(der, at, SEQUENCE);
        length(der, at);
        expect(der, at, INTEGER);
        BigInteger modulus = new BigInteger(take(der, at, length(der, at)));
        expect(der, at, INTEGER);
        BigInteger exponent = new BigInteger(take(der, at, length(der, at)));
        return new RSAPublicKeySpec(modulus, exponent);
    }

    private static void expect(byte[] der, int[] at, int tag) {
        if (at[0] >= der.length || (der[at[0]] & 0xFF) != tag) {
            throw new IllegalArgumentException("malformed PKCS#1 key: expected DER tag " + tag + " at " + at[0]);
        }
        at[0]++;
    }

    private static int length(byte[] der, int[] at) {
        int first = der[at[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7F); i++) {
            length = (length << 8) | (der[at[0]++] & 0xFF);
        }
        return length;
    }

    private static byte[] take(byte[] der, int[] at, int length) {
        if (length < 0 || at[0] + length > der.length) {
            throw new IllegalArgumentException("malformed PKCS#1 key: a length runs past the end");
        }
        byte[] bytes = Arrays.copyOfRange(der, at[0], at[0] + length);
        at[0] += length;
        return bytes;
    }
}
