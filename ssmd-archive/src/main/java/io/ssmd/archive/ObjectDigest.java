package io.ssmd.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The size and digests of an object's bytes, as an upload sends and checks them: the MD5 goes with the PUT as
 * {@code Content-MD5} (the server refuses a body that does not match it), the SHA-256 is stored in the object's user
 * metadata ({@value #SHA256_METADATA}), where a HEAD reads it back whatever the bucket's encryption makes of the ETag.
 *
 * @param bytes  the size
 * @param md5    hex MD5
 * @param sha256 hex SHA-256
 */
record ObjectDigest(long bytes, String md5, String sha256) {

    /** The user-metadata key holding the SHA-256 ({@code x-amz-meta-ssmd-sha256} on the wire). */
    static final String SHA256_METADATA = "ssmd-sha256";

    /** Digests a file's bytes, reading them once. */
    static ObjectDigest of(Path file) throws IOException {
        MessageDigest md5 = digest("MD5");
        MessageDigest sha256 = digest("SHA-256");
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md5.update(buffer, 0, n);
                sha256.update(buffer, 0, n);
                bytes += n;
            }
        }
        return new ObjectDigest(
                bytes, HexFormat.of().formatHex(md5.digest()), HexFormat.of().formatHex(sha256.digest()));
    }

    /** Digests bytes in memory (a manifest). */
    static ObjectDigest of(byte[] content) {
        return new ObjectDigest(
                content.length,
                HexFormat.of().formatHex(digest("MD5").digest(content)),
                HexFormat.of().formatHex(digest("SHA-256").digest(content)));
    }

    /** The {@code Content-MD5} header's value: base64 of the binary MD5. */
    String contentMd5() {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(md5));
    }

    /**
     * Whether an ETag can be compared with an MD5 at all: a single-part upload's ETag is the body's MD5 on plain S3,
     * MinIO and GCS, but not under SSE-KMS or SSE-C, nor after a multipart upload ({@code …-2}).
     */
    static boolean looksLikeMd5(String etag) {
        return etag != null && unquoted(etag).matches("[0-9a-f]{32}");
    }

    /** An ETag without its quotes, lower case. */
    static String unquoted(String etag) {
        return etag == null ? "" : etag.replace("\"", "").toLowerCase(Locale.ROOT);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has " + algorithm, e);
        }
    }
}
