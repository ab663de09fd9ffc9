package io.ssmd.archive;

import java.util.Optional;

/**
 * What a HEAD says of an object in the bucket.
 *
 * @param bytes  its size
 * @param sha256 the SHA-256 ssmd stored in its user metadata when it uploaded it; empty for an object put there
 *               otherwise (or by an ssmd that did not store one)
 * @param etag   its ETag, unquoted: an MD5 only for a plain single-part upload, anything under SSE-KMS or SSE-C
 */
record RemoteObject(long bytes, Optional<String> sha256, String etag) {

    /**
     * Whether this object holds exactly the bytes of {@code local}: same size and the SHA-256 it was stored with. The
     * ETag only adds evidence: when it looks like an MD5 it must be the MD5 of the bytes too. An object without the
     * SHA-256 is the same only when its ETag is an MD5 and matches; otherwise its bytes are unknown, which counts as
     * different (never overwritten).
     */
    boolean holds(ObjectDigest local) {
        if (bytes != local.bytes()) {
            return false;
        }
        boolean md5Etag = ObjectDigest.looksLikeMd5(etag);
        if (md5Etag && !etag.equals(local.md5())) {
            return false;
        }
        return sha256.map(local.sha256()::equals).orElse(md5Etag);
    }

    /** Whether this object is the one verified as {@code sha256} and {@code bytes} (a manifest entry). */
    boolean holds(long expectedBytes, String expectedSha256) {
        return bytes == expectedBytes && sha256.map(expectedSha256::equals).orElse(false);
    }

    @Override
    public String toString() {
        return bytes + " bytes, SHA-256 " + sha256.orElse("(none stored)") + ", ETag " + etag;
    }
}
