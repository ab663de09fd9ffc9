package io.ssmd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's storage: upload target, credentials from the environment, per-archiver overrides, one feed per stream. */
class ArchiveStorageConfigTest {

    private static final Map<String, String> KEYS =
            Map.of("ARCHIVE_KEY_ID", "id-value", "ARCHIVE_SECRET", "secret-value");

    @TempDir
    Path tempDir;

    private ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = ConfigFixture.in(tempDir);
    }

    @Test
    void uploadAndOverridesAreRead() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                  kraken-futures: {instruments: [PF_XBTUSD]}
                storage:
                  archive-root: /srv/archive
                  upload:
                    endpoint: http://127.0.0.1:9000
                    region: us-east-1
                    bucket: lab-archive
                    prefix: ssmd
                    path-style: true
                    access-key-id-env: ARCHIVE_KEY_ID
                    secret-access-key-env: ARCHIVE_SECRET
                    min-backoff: 2s
                    max-backoff: 1m
                    keep-local: 3d
                archivers:
                  - name: spot
                    streams: [LAB_KRAKEN]
                  - name: futures
                    streams: [LAB_KRAKEN_FUTURES]
                    archive-root: /srv/futures
                    format: zstd
                    rotation: 1h
                """);

        ValidationReport report = EnvironmentLoader.validate(file, KEYS);

        assertThat(report.errors()).isEmpty();
        Environment environment = report.environment().orElseThrow();
        UploadSettings upload = environment.storage().upload().orElseThrow();
        assertThat(upload.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(upload.bucket()).isEqualTo("lab-archive");
        assertThat(upload.prefix()).isEqualTo("ssmd/");
        assertThat(upload.key("lab/kraken/LAB_KRAKEN/2026-01-01/0000.jsonl.gz"))
                .isEqualTo("ssmd/lab/kraken/LAB_KRAKEN/2026-01-01/0000.jsonl.gz");
        assertThat(upload.pathStyle()).isTrue();
        assertThat(upload.credentials().accessKeyId()).isEqualTo("id-value");
        assertThat(upload.credentials().secretAccessKey()).isEqualTo("secret-value");
        assertThat(upload.minBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(upload.maxBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(upload.keepLocal()).contains(Duration.ofDays(3));
        assertThat(upload.toString() + report.passed())
                .doesNotContain("secret-value")
                .doesNotContain("id-value");

        ArchiverSpec spot = environment.archivers().get(0);
        assertThat(spot.sources()).containsExactly(new ArchiveSource("LAB_KRAKEN", "kraken"));
        assertThat(spot.storage()).isEqualTo(environment.storage());
        ArchiverSpec futures = environment.archivers().get(1);
        assertThat(futures.sources()).containsExactly(new ArchiveSource("LAB_KRAKEN_FUTURES", "kraken-futures"));
        assertThat(futures.storage())
                .isEqualTo(new StorageSettings(
                        Path.of("/srv/futures"),
                        StorageSettings.Format.ZSTD,
                        Duration.ofHours(1),
                        Optional.of(upload)));
    }

    @Test
    void defaultsKeepFilesForeverWithAwsVariables() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                storage:
                  upload: {region: eu-west-1, bucket: lab-archive}
                """);

        Environment environment =
                EnvironmentLoader.load(file, Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"));

        UploadSettings upload = environment.storage().upload().orElseThrow();
        assertThat(upload.endpoint()).isEmpty();
        assertThat(upload.prefix()).isEmpty();
        assertThat(upload.pathStyle()).isFalse();
        assertThat(upload.keepLocal()).isEmpty();
        assertThat(upload.credentials().source()).isEqualTo("AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void uploadProblemsNameTheirKeysAndNeverTheSecrets() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                storage:
                  upload:
                    endpoint: ftp://example
                    bucket: Lab_Archive
                    prefix: /ssmd
                    acces-key-id-env: X
                    secret-access-key-env: ARCHIVE_SECRET
                    min-backoff: 10s
                    max-backoff: 1s
                """);

        List<ConfigError> errors = EnvironmentLoader.validate(file, Map.of("ARCHIVE_SECRET", "secret-value"))
                .errors();

        assertThat(errors)
                .extracting(ConfigError::keyPath)
                .containsExactly(
                        "storage.upload.acces-key-id-env",
                        "storage.upload.region",
                        "storage.upload.endpoint",
                        "storage.upload.bucket",
                        "storage.upload.prefix",
                        "storage.upload.max-backoff",
                        "storage.upload.access-key-id-env");
        assertThat(errors.get(0).message()).contains("did you mean 'access-key-id-env'?");
        assertThat(errors.get(6).message()).contains("AWS_ACCESS_KEY_ID is not set");
        assertThat(errors.toString()).doesNotContain("secret-value");
    }

    @Test
    void archivedStreamMustCarryOneFeed() {
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken: {instruments: [BTC/USD]}
                  kraken-futures: {instruments: [PF_XBTUSD]}
                streams:
                  per-feed: false
                  custom:
                    - name: LAB_ALL
                      subjects: [lab.kraken.>, lab.kraken-futures.>]
                archivers:
                  - name: main
                    streams: all
                    rotation: 7m
                """);

        List<ConfigError> errors = EnvironmentLoader.validate(file, Map.of()).errors();

        assertThat(errors)
                .extracting(ConfigError::keyPath, e -> e.message().substring(0, 30))
                .containsExactly(
                        tuple("archivers[0].rotation", "must be a whole number of minu"),
                        tuple("archivers[0].streams", "stream 'LAB_ALL' does not carr"));
    }
}
