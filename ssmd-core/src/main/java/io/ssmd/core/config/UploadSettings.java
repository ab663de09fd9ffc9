package io.ssmd.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where committed archive files are uploaded (DESIGN §6): an S3-compatible bucket (AWS S3, MinIO, GCS's XML API).
 *
 * @param endpoint    the S3 API endpoint; empty for AWS itself ({@code https://s3.{region}.amazonaws.com})
 * @param region      the signing region ({@code us-east-1}; GCS accepts {@code auto})
 * @param bucket      the bucket
 * @param prefix      prepended to every key, without leading slash; empty or ending with {@code /}
 * @param pathStyle   {@code https://host/bucket/key} rather than {@code https://bucket.host/key} (MinIO, S3Proxy)
 * @param credentials the access key pair, read from the environment variables the config names
 * @param minBackoff  the first wait after a failed upload; doubles on each failure
 * @param maxBackoff  the longest wait between attempts
 * @param keepLocal   how long a local file is kept after its upload was verified; empty keeps it for ever
 */
public record UploadSettings(
        Optional<URI> endpoint,
        String region,
        String bucket,
        String prefix,
        boolean pathStyle,
        Credentials credentials,
        Duration minBackoff,
        Duration maxBackoff,
        Optional<Duration> keepLocal) {

    public UploadSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(keepLocal, "keepLocal");
    }

    /** The object key of a file at {@code relative} (a path under the archive root, with {@code /} separators). */
    public String key(String relative) {
        return prefix + relative;
    }

    /**
     * An S3 access key pair. The secret never appears in {@link #toString()}.
     *
     * @param source where the values came from ({@code AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY}), for reports
     */
    public record Credentials(String accessKeyId, String secretAccessKey, String source) {

        @Override
        public String toString() {
            return "Credentials[<redacted> from " + source + "]";
        }
    }
}
