package io.ssmd.feeds.kalshi;

import io.ssmd.core.config.KalshiCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Signs Kalshi's WebSocket handshake (PROTOCOLS.md §1.2): {@code KALSHI-ACCESS-KEY}, {@code -TIMESTAMP} (Unix
 * milliseconds) and {@code -SIGNATURE}, RSA-PSS with SHA-256, MGF1(SHA-256) and a 32-byte salt over
 * {@code timestamp + "GET" + "/trade-api/ws/v2"}, base64. A fresh timestamp and signature for every call: Kalshi
 * refuses a stale timestamp, so a reconnect must never reuse an old handshake.
 *
 * <p>The key id and the private key are held here only; {@link #toString()} shows neither.
 */
public final class KalshiSigner {

    public static final String KEY_HEADER = "KALSHI-ACCESS-KEY";
    public static final String TIMESTAMP_HEADER = "KALSHI-ACCESS-TIMESTAMP";
    public static final String SIGNATURE_HEADER = "KALSHI-ACCESS-SIGNATURE";

    /** DER {@code AlgorithmIdentifier} of rsaEncryption (OID 1.2.840.113549.1.1.1, NULL parameters). */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private final String keyId;
    private final PrivateKey key;
    private final LongSupplier clock;

    private KalshiSigner(String keyId, PrivateKey key, LongSupplier clock) {
        this.keyId = keyId;
        this.key = key;
        this.clock = clock;
    }

    /**
     * A signer for these credentials, reading the private key file now so a bad key fails at startup.
     *
     * @throws IllegalArgumentException naming the file (never its content) when it holds no readable RSA key
     */
    public static KalshiSigner create(KalshiCredentials credentials) {
        return create(credentials.keyId(), readPrivateKey(credentials.privateKeyFile()), System::currentTimeMillis);
    }

    /** A signer with its own clock (Unix milliseconds), for tests. */
    public static KalshiSigner create(String keyId, PrivateKey key, LongSupplier clock) {
        return new KalshiSigner(keyId, key, clock);
    }

    /** The three handshake headers, signed now. */
    public Map<String, String> headers() {
        String timestamp = Long.toString(clock.getAsLong());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(KEY_HEADER, keyId);
        headers.put(TIMESTAMP_HEADER, timestamp);
        headers.put(SIGNATURE_HEADER, sign(timestamp + "GET" + KalshiProtocol.WEBSOCKET_PATH));
        return headers;
    }

    /** RSA-PSS over the UTF-8 message, base64. */
    public String sign(String message) {
        try {
            Signature signer = Signature.getInstance("RSASSA-PSS");
            signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            signer.initSign(key);
            signer.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-PSS signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "KalshiSigner[keyId=<redacted>]";
    }

    /**
     * Reads an RSA private key PEM: PKCS#8 {@code PRIVATE KEY}, or PKCS#1 {@code RSA PRIVATE KEY} (what Kalshi's
     * key download and {@code openssl genrsa} give). The JDK reads only PKCS#8 (DESIGN.md §11), so a PKCS#1 key is
     * wrapped in a PKCS#8 header here: {@code SEQUENCE { INTEGER 0, rsaEncryption, OCTET STRING { key } }}.
     *
     * @throws IllegalArgumentException naming the file when it holds no such key; the key's bytes never appear
     */
    public static PrivateKey readPrivateKey(Path pem) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kalshi private key file " + pem, e);
        }
        boolean pkcs1 = text.contains("-----BEGIN RSA PRIVATE KEY-----");
        if (!pkcs1 && !text.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException(pem + ": expected a PEM \"PRIVATE KEY\" (PKCS#8) or \"RSA PRIVATE KEY\""
                    + " (PKCS#1); an encrypted key must be decrypted first");
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8(der) : der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // The exception's own message may quote nothing secret, but say only what kind of failure it was.
            throw new IllegalArgumentException(
                    pem + ": not a readable RSA private key (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** A PKCS#1 {@code RSAPrivateKey} wrapped as a PKCS#8 {@code PrivateKeyInfo}. */
    static byte[] pkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(pkcs1.length + 32);
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 4);
        out.write(0x30);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** DER definite length: short form below 128, else 0x80 | byte count, then the bytes big-endian. */
    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((length >>> (8 * i)) & 0xff);
        }
    }
}
