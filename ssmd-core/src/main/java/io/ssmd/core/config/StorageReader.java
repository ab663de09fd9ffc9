package io.ssmd.core.config;

import io.ssmd.core.Secrets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the environment's {@code storage}: the archive root, format and rotation every archiver starts from, and the
 * optional S3-compatible upload target with its credentials (from environment variables, never from YAML).
 */
final class StorageReader {

    static final StorageSettings DEFAULTS =
            new StorageSettings(Path.of("./data/archive"), StorageSettings.Format.GZIP, Duration.ofMinutes(15));

    private static final List<String> KEYS = List.of("archive-root", "format", "rotation", "upload");
    private static final List<String> UPLOAD_KEYS = List.of(
            "endpoint",
            "region",
            "bucket",
            "prefix",
            "path-style",
            "access-key-id-env",
            "secret-access-key-env",
            "min-backoff",
            "max-backoff",
            "keep-local");
    private static final String DEFAULT_KEY_ID_ENV = "AWS_ACCESS_KEY_ID";
    private static final String DEFAULT_SECRET_ENV = "AWS_SECRET_ACCESS_KEY";
    private static final Duration DEFAULT_MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
    // S3's bucket naming rules, which GCS and MinIO share: lower case, digits, dots and dashes.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private StorageReader() {}

    static StorageSettings read(ConfigNode root, Map<String, String> env, Findings findings) {
        int mark = findings.mark();
        Optional<ConfigNode> storage = root.mapping("storage");
        storage.ifPresent(s -> s.allowOnly(KEYS));
        StorageSettings local = storage.map(s -> local(s, DEFAULTS)).orElse(DEFAULTS);
        Optional<UploadSettings> upload =
                storage.flatMap(s -> s.mapping("upload")).flatMap(u -> upload(u, env));
        StorageSettings settings = new StorageSettings(local.archiveRoot(), local.format(), local.rotation(), upload);
        if (findings.cleanSince(mark)) {
            findings.passed("storage: " + settings.format().id() + " files under " + settings.archiveRoot()
                    + ", rotated every " + Units.format(settings.rotation())
                    + upload.map(u -> ", uploaded to bucket " + u.bucket()
                                    + u.endpoint().map(e -> " at " + e).orElse("") + " (credentials from "
                                    + u.credentials().source() + ")")
                            .orElse(", not uploaded"));
        }
        return settings;
    }

    /**
     * The root, format and rotation written in {@code node} ({@code storage}, or an archiver's overrides), each
     * falling back to {@code base}.
     */
    static StorageSettings local(ConfigNode node, StorageSettings base) {
        Path archiveRoot = node.string("archive-root").map(Path::of).orElse(base.archiveRoot());
        StorageSettings.Format format = node.oneOf("format", List.of("gzip", "zstd"))
                .map(StorageSettings.Format::of)
                .orElse(base.format());
        Duration rotation = node.duration("rotation", false).orElse(base.rotation());
        long ms = rotation.toMillis();
        if (ms <= 0 || ms % 60_000 != 0 || (24 * 60) % (ms / 60_000) != 0) {
            node.error(
                    "rotation",
                    "must be a whole number of minutes that divides a day"
                            + " (such as 1m, 5m, 10m, 15m, 30m, 1h, 6h, 1d), so windows line up in UTC; got "
                            + Units.format(rotation));
        }
        return base.with(archiveRoot, format, rotation);
    }

    private static Optional<UploadSettings> upload(ConfigNode node, Map<String, String> env) {
        if (!node.allowOnly(UPLOAD_KEYS)) {
            return Optional.empty();
        }
        node.require("bucket", "the bucket name, such as my-archive");
        node.require("region", "the signing region, such as us-east-1 (auto for GCS)");
        Optional<URI> endpoint = node.url("endpoint", List.of("https", "http"));
        String region = node.string("region").orElse("");
        String bucket = node.string("bucket").orElse("");
        if (node.has("bucket") && !bucket.isEmpty() && !BUCKET.matcher(bucket).matches()) {
            node.error(
                    "bucket",
                    "'" + bucket + "' is not a valid bucket name; expected 3 to 63 characters of"
                            + " lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
        String prefix = node.string("prefix").orElse("");
        if (prefix.startsWith("/")) {
            node.error(
                    "prefix", "must not start with '/'; object keys are relative to the bucket, got '" + prefix + "'");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        boolean pathStyle = node.bool("path-style").orElse(false);
        Duration minBackoff = node.duration("min-backoff", false).orElse(DEFAULT_MIN_BACKOFF);
        Duration maxBackoff = node.duration("max-backoff", false).orElse(DEFAULT_MAX_BACKOFF);
        if (minBackoff.isZero()) {
            node.error("min-backoff", "must be longer than 0");
        }
        if (maxBackoff.compareTo(minBackoff) < 0) {
            node.error(
                    "max-backoff",
                    "must be at least min-backoff (" + Units.format(minBackoff) + "), got " + Units.format(maxBackoff));
        }
        Optional<Duration> keepLocal = keepLocal(node);
        Optional<UploadSettings.Credentials> credentials = credentials(node, env);
        if (credentials.isEmpty() || !node.has("bucket") || !node.has("region")) {
            return Optional.empty();
        }
        return Optional.of(new UploadSettings(
                endpoint, region, bucket, prefix, pathStyle, credentials.get(), minBackoff, maxBackoff, keepLocal));
    }

    private static Optional<Duration> keepLocal(ConfigNode node) {
        if (node.textIfString("keep-local").filter("forever"::equals).isPresent()) {
            return Optional.empty();
        }
        return node.duration("keep-local", false);
    }

    private static Optional<UploadSettings.Credentials> credentials(ConfigNode node, Map<String, String> env) {
        String idEnv = variable(node, "access-key-id-env", DEFAULT_KEY_ID_ENV);
        String secretEnv = variable(node, "secret-access-key-env", DEFAULT_SECRET_ENV);
        String id = env.get(idEnv);
        String secret = env.get(secretEnv);
        boolean ok = true;
        if (id == null || id.isBlank()) {
            node.error(
                    "access-key-id-env",
                    "environment variable " + Secrets.variable(idEnv, "access-key-id-env")
                            + " is not set; set it to the access key"
                            + " id of the bucket's credentials (for GCS an HMAC key), or name another variable here");
            ok = false;
        }
        if (secret == null || secret.isBlank()) {
            node.error(
                    "secret-access-key-env",
                    "environment variable " + Secrets.variable(secretEnv, "secret-access-key-env")
                            + " is not set; set it to the"
                            + " secret access key (for GCS the HMAC secret), or name another variable here");
            ok = false;
        }
        return ok
                ? Optional.of(new UploadSettings.Credentials(
                        id,
                        secret,
                        Secrets.variable(idEnv, "access-key-id-env") + ", "
                                + Secrets.variable(secretEnv, "secret-access-key-env")))
                : Optional.empty();
    }

    private static String variable(ConfigNode node, String key, String fallback) {
        return node.variableName(key).orElse(fallback);
    }
}
