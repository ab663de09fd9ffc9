package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.config.UploadSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads to a real S3 API (S3Proxy in this JVM, in-memory blobs): verified, retried, then deleted locally. */
class UploaderTest {

    /** The archiver's clock: long after every receive time written here. */
    private static final long NOW = Long.MAX_VALUE / 4;

    static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    Path root;

    private BlobStoreContext blobs;
    private S3Proxy proxy;
    private ArchiverMetrics.StreamMetrics metrics;
    private Path streamDir;
    private Uploader uploader;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @BeforeEach
    void start() throws Exception {
        blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
                .build();
        proxy.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getState().equals("STARTED"));
        metrics = ArchiverMetrics.create(new PrometheusRegistry()).stream("LAB_KRAKEN");
        streamDir = ArchiveLayout.streamDir(root, "lab", "kraken", "LAB_KRAKEN");
    }

    @AfterEach
    void stop() throws Exception {
        if (uploader != null) {
            uploader.stop().toCompletableFuture().join();
        }
        proxy.stop();
        blobs.close();
    }

    private UploadSettings upload(Optional<Duration> keepLocal) {
        return new UploadSettings(
                Optional.of(URI.create("http://127.0.0.1:" + proxy.getPort())),
                "us-east-1",
                "lab-archive",
                "ssmd/",
                true,
                new UploadSettings.Credentials("test-access", "test-secret", "test"),
                Duration.ofMillis(100),
                Duration.ofMillis(400),
                keepLocal);
    }

    /** Two one-minute files of 60 trades each, committed as the archiver commits them. */
    private ManifestStore writeFiles() throws IOException {
        ManifestStore store = new ManifestStore();
        StreamArchive archive = StreamArchive.open(
                new StreamArchive.Target(
                        streamDir,
                        new ManifestIdentity("lab", "kraken", "LAB_KRAKEN", "gzip", "1m"),
                        StorageSettings.Format.GZIP,
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5)),
                store,
                () -> Optional.of(new StreamProbe.State(1, 120)),
                metrics,
                c -> {});
        for (long seq = 1; seq <= 120; seq++) {
            archive.append(
                    ArchiveRecord.of(
                            seq,
                            DAY0 + (seq - 1) * 1_000_000,
                            "lab.kraken.json.trade.BTC-USD",
                            "k:" + seq,
                            ArchiveFixture.trade(seq)),
                    NOW);
        }
        archive.commit();
        return store;
    }

    @Test
    void aFailingUploadIsRetriedAndMarkedOnlyOnceVerified() throws Exception {
        ManifestStore store = writeFiles();
        uploader = Uploader.start(
                KIT.system(),
                upload(Optional.empty()),
                root,
                streamDir,
                store,
                metrics,
                Duration.ofMillis(100),
                ArchiverSettings.IO_DISPATCHER);

        // The bucket does not exist yet: every PUT fails, nothing is marked.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> metrics.uploadFailures().get() >= 2);
        assertThat(ArchiveFixture.manifests(streamDir).get(0).files()).noneMatch(FileEntry::uploaded);

        BlobStore bucket = blobs.getBlobStore();
        bucket.createContainerInLocation(null, "lab-archive");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.manifests(streamDir).get(0).files().stream()
                        .allMatch(FileEntry::uploaded));

        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.uploads().get() == 2);
        for (String name : List.of("0000.jsonl.gz", "0001.jsonl.gz")) {
            String key = "ssmd/lab/kraken/LAB_KRAKEN/2026-01-01/" + name;
            assertThat(bucket.blobExists("lab-archive", key)).as(key).isTrue();
            try (InputStream in =
                    bucket.getBlob("lab-archive", key).getPayload().openStream()) {
                assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(streamDir.resolve("2026-01-01/" + name)));
            }
        }
        assertThat(ArchiveVerifier.verify(root).problems()).isEmpty();
    }

    @Test
    void localFilesAreDeletedOnlyAfterVerifiedUploadWhenRetentionSaysSo() throws Exception {
        ManifestStore store = writeFiles();
        blobs.getBlobStore().createContainerInLocation(null, "lab-archive");
        uploader = Uploader.start(
                KIT.system(),
                upload(Optional.of(Duration.ofHours(1))),
                root,
                streamDir,
                store,
                metrics,
                Duration.ofMillis(100),
                ArchiverSettings.IO_DISPATCHER);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.segments(streamDir).isEmpty());

        Manifest manifest = ArchiveFixture.manifests(streamDir).get(0);
        assertThat(manifest.files()).hasSize(2).allMatch(FileEntry::uploaded);
        ArchiveVerifier.Report report = ArchiveVerifier.verify(root);
        assertThat(report.problems()).isEmpty();
        assertThat(report.streams().get(0).notLocal()).isEqualTo(2);
        // A restart keeps uploaded files that are gone locally in the manifest.
        ManifestRebuild.run(streamDir, new ManifestIdentity("lab", "kraken", "LAB_KRAKEN", "gzip", "1m"), store);
        assertThat(ArchiveFixture.manifests(streamDir).get(0).files()).isEqualTo(manifest.files());
    }
}
