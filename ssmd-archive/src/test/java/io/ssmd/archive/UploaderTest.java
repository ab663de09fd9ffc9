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
    private org.apache.pekko.http.javadsl.ServerBinding etagProxy;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @BeforeEach
    void start(org.junit.jupiter.api.TestInfo test) throws Exception {
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
                .awsAuthentication(
                        test.getDisplayName().contains("Etag")
                                ? AuthenticationType.NONE
                                : AuthenticationType.AWS_V2_OR_V4,
                        "test-access",
                        "test-secret")
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
        if (etagProxy != null) {
            etagProxy.unbind().toCompletableFuture().join();
        }
        proxy.stop();
        blobs.close();
    }

    private UploadSettings upload(Optional<Duration> keepLocal) {
        return upload(keepLocal, proxy.getPort());
    }

    private UploadSettings upload(Optional<Duration> keepLocal, int port) {
        return new UploadSettings(
                Optional.of(URI.create("http://127.0.0.1:" + port)),
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

    private Uploader startUploader(UploadSettings settings, ManifestStore store) {
        return Uploader.start(
                KIT.system(),
                settings,
                root,
                streamDir,
                store,
                metrics,
                Duration.ofMillis(100),
                ArchiverSettings.IO_DISPATCHER);
    }

    private static final String KEY0 = "ssmd/lab/kraken/LAB_KRAKEN/2026-01-01/0000.jsonl.gz";
    private static final String KEY1 = "ssmd/lab/kraken/LAB_KRAKEN/2026-01-01/0001.jsonl.gz";
    private static final String MANIFEST_KEY = "ssmd/lab/kraken/LAB_KRAKEN/2026-01-01/manifest.json";

    private boolean allUploaded() throws IOException {
        return ArchiveFixture.manifests(streamDir).get(0).files().stream().allMatch(FileEntry::uploaded);
    }

    private byte[] object(String key) throws IOException {
        try (InputStream in =
                blobs.getBlobStore().getBlob("lab-archive", key).getPayload().openStream()) {
            return in.readAllBytes();
        }
    }

    /**
     * An SSE-KMS bucket answers with an ETag that is not the MD5 of the body: a real HTTP proxy in front of S3Proxy
     * rewrites every ETag the way such a bucket does. The old check (ETag = MD5) never verified there; the SHA-256
     * stored with the object does.
     */
    @Test
    void verificationWorksWhereTheEtagIsNotAnMd5() throws Exception {
        ManifestStore store = writeFiles();
        blobs.getBlobStore().createContainerInLocation(null, "lab-archive");
        var http = org.apache.pekko.http.javadsl.Http.get(KIT.system());
        String backend = "http://127.0.0.1:" + proxy.getPort();
        etagProxy = http.newServerAt("127.0.0.1", 0)
                .bind((org.apache.pekko.japi.function.Function<
                                org.apache.pekko.http.javadsl.model.HttpRequest,
                                java.util.concurrent.CompletionStage<org.apache.pekko.http.javadsl.model.HttpResponse>>)
                        request -> http.singleRequest(request.withUri(backend
                                        + request.getUri().getPathString()
                                        + request.getUri()
                                                .rawQueryString()
                                                .map(q -> "?" + q)
                                                .orElse("")))
                                .thenApply(
                                        response -> response.getHeader("ETag").isEmpty()
                                                ? response
                                                : response.removeHeader("ETag")
                                                        .addHeader(org.apache.pekko.http.javadsl.model.HttpHeader.parse(
                                                                "ETag", "\"kms-8f3a2c1e9d7b4a60b5e1c2d3f4a5b6c7d8\""))))
                .toCompletableFuture()
                .join();
        // The signature covers the Host header, which the proxy changes: this bucket takes unsigned requests.
        uploader =
                startUploader(upload(Optional.empty(), etagProxy.localAddress().getPort()), store);

        await().atMost(Duration.ofSeconds(30)).until(this::allUploaded);
        assertThat(metrics.uploads().get()).isEqualTo(2);
        assertThat(ArchiveFixture.manifests(streamDir).get(0).files())
                .allMatch(f -> f.sha256() != null && f.sha256().length() == 64);
        assertThat(object(KEY0)).isEqualTo(Files.readAllBytes(streamDir.resolve("2026-01-01/0000.jsonl.gz")));
    }

    /**
     * One key holds other bytes (a re-archive, another node): it is never overwritten, the file is marked conflict and
     * counted, and the later file still uploads (on the old code the first failure stopped every later upload).
     */
    @Test
    void aConflictingKeyIsNeverOverwrittenAndLaterFilesStillUpload() throws Exception {
        ManifestStore store = writeFiles();
        BlobStore bucket = blobs.getBlobStore();
        bucket.createContainerInLocation(null, "lab-archive");
        byte[] other = "other bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bucket.putBlob("lab-archive", bucket.blobBuilder(KEY0).payload(other).build());
        uploader = startUploader(upload(Optional.empty()), store);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.manifests(streamDir)
                        .get(0)
                        .file("0001.jsonl.gz")
                        .orElseThrow()
                        .uploaded());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metrics.uploadConflicts().get() == 1);
        FileEntry first =
                ArchiveFixture.manifests(streamDir).get(0).file("0000.jsonl.gz").orElseThrow();
        assertThat(first.uploaded()).isFalse();
        assertThat(first.conflict()).isTrue();
        assertThat(object(KEY0)).isEqualTo(other);
        assertThat(object(KEY1)).isEqualTo(Files.readAllBytes(streamDir.resolve("2026-01-01/0001.jsonl.gz")));
        assertThat(ArchiveVerifier.verify(root).problems())
                .singleElement()
                .satisfies(p -> assertThat(p.what()).contains("conflict"));
        // The uploaded manifest describes only what the bucket verifiably holds.
        await().atMost(Duration.ofSeconds(10)).until(() -> bucket.blobExists("lab-archive", MANIFEST_KEY));
        Manifest uploaded = ManifestStore.JSON.readValue(object(MANIFEST_KEY), Manifest.class);
        assertThat(uploaded.files()).extracting(FileEntry::name).containsExactly("0001.jsonl.gz");
    }

    /**
     * An object deleted from the bucket: verify --remote reports it, and local retention neither trusts the stale
     * uploaded flag nor deletes the only copy: it uploads the file again first.
     */
    @Test
    void aDeletedObjectIsReportedAndItsLocalFileKeptUntilUploadedAgain() throws Exception {
        ManifestStore store = writeFiles();
        BlobStore bucket = blobs.getBlobStore();
        bucket.createContainerInLocation(null, "lab-archive");
        uploader = startUploader(upload(Optional.empty()), store);
        await().atMost(Duration.ofSeconds(30)).until(this::allUploaded);
        await().atMost(Duration.ofSeconds(10)).until(() -> bucket.blobExists("lab-archive", MANIFEST_KEY));
        uploader.stop().toCompletableFuture().join();
        uploader = null;
        try (RemoteArchive remote = RemoteArchive.open(upload(Optional.empty()))) {
            assertThat(ArchiveVerifier.verify(root, Optional.of(remote)).problems())
                    .isEmpty();
            bucket.removeBlob("lab-archive", KEY0);
            assertThat(ArchiveVerifier.verify(root, Optional.of(remote)).problems())
                    .singleElement()
                    .satisfies(p -> assertThat(p.what()).contains("not in the bucket"));
        }

        uploader = startUploader(upload(Optional.of(Duration.ofHours(1))), store);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.segments(streamDir).isEmpty());
        assertThat(metrics.remoteMissing().get()).isEqualTo(1);
        assertThat(bucket.blobExists("lab-archive", KEY0)).isTrue();
        try (RemoteArchive remote = RemoteArchive.open(upload(Optional.empty()))) {
            assertThat(ArchiveVerifier.verify(root, Optional.of(remote)).problems())
                    .isEmpty();
        }
    }

    /**
     * A new node or volume: no local manifests, the uploaded ones in the bucket. The archive is restored from them,
     * resumes after the highest seq committed remotely, and never writes an uploaded window (or its object) again.
     */
    @Test
    void anEmptyRootResumesFromTheUploadedManifests() throws Exception {
        ManifestStore store = writeFiles();
        BlobStore bucket = blobs.getBlobStore();
        bucket.createContainerInLocation(null, "lab-archive");
        uploader = startUploader(upload(Optional.empty()), store);
        await().atMost(Duration.ofSeconds(30)).until(this::allUploaded);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> bucket.blobExists("lab-archive", MANIFEST_KEY)
                        && ManifestStore.JSON
                                        .readValue(object(MANIFEST_KEY), Manifest.class)
                                        .files()
                                        .size()
                                == 2);
        uploader.stop().toCompletableFuture().join();
        uploader = null;
        byte[] before0 = object(KEY0);
        byte[] before1 = object(KEY1);
        var modified1 = bucket.blobMetadata("lab-archive", KEY1).getLastModified();

        try (var files = Files.walk(streamDir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        try (RemoteArchive remote = RemoteArchive.open(upload(Optional.empty()))) {
            assertThat(remote.restoreManifests(root, streamDir, store)).isEqualTo(1);
        }
        StreamArchive archive =
                StreamArchive.open(target(), store, () -> Optional.of(new StreamProbe.State(1, 130)), metrics, c -> {});
        assertThat(archive.lastSeq()).isEqualTo(120);
        // Messages of the last uploaded window (a late one) and later: none rewrites 0001.
        for (long seq = 121; seq <= 130; seq++) {
            archive.append(
                    ArchiveRecord.of(
                            seq,
                            DAY0 + 119_000_000 + seq,
                            "lab.kraken.json.trade.BTC-USD",
                            "k:" + seq,
                            ArchiveFixture.trade(seq)),
                    NOW);
        }
        archive.commit();
        Manifest manifest = ArchiveFixture.manifests(streamDir).get(0);
        assertThat(manifest.files())
                .extracting(FileEntry::name)
                .containsExactly("0000.jsonl.gz", "0001.jsonl.gz", "0002.jsonl.gz");
        assertThat(manifest.file("0002.jsonl.gz").orElseThrow().firstSeq()).isEqualTo(121);

        uploader = startUploader(upload(Optional.empty()), store);
        await().atMost(Duration.ofSeconds(30)).until(this::allUploaded);
        assertThat(object(KEY0)).isEqualTo(before0);
        assertThat(object(KEY1)).isEqualTo(before1);
        assertThat(bucket.blobMetadata("lab-archive", KEY1).getLastModified()).isEqualTo(modified1);
        assertThat(metrics.uploadConflicts().get()).isZero();
        try (RemoteArchive remote = RemoteArchive.open(upload(Optional.empty()))) {
            assertThat(ArchiveVerifier.verify(root, Optional.of(remote)).problems())
                    .isEmpty();
        }
    }

    /**
     * A late message of a window whose file is uploaded and still local: the window is not reopened (its object could
     * never take the new bytes), the message goes to the next window. On the old code the file was reopened, and its
     * new bytes would have been a conflict.
     */
    @Test
    void aLateMessageOfAnUploadedWindowGoesToTheNextWindow() throws Exception {
        ManifestStore store = writeFiles();
        blobs.getBlobStore().createContainerInLocation(null, "lab-archive");
        uploader = startUploader(upload(Optional.empty()), store);
        await().atMost(Duration.ofSeconds(30)).until(this::allUploaded);
        byte[] before = Files.readAllBytes(streamDir.resolve("2026-01-01/0001.jsonl.gz"));

        StreamArchive archive =
                StreamArchive.open(target(), store, () -> Optional.of(new StreamProbe.State(1, 121)), metrics, c -> {});
        archive.append(
                ArchiveRecord.of(
                        121, DAY0 + 119_500_000, "lab.kraken.json.trade.BTC-USD", "k:121", ArchiveFixture.trade(121)),
                NOW);
        archive.commit();

        assertThat(Files.readAllBytes(streamDir.resolve("2026-01-01/0001.jsonl.gz")))
                .isEqualTo(before);
        assertThat(ArchiveFixture.manifests(streamDir)
                        .get(0)
                        .file("0002.jsonl.gz")
                        .orElseThrow()
                        .firstSeq())
                .isEqualTo(121);
        await().atMost(Duration.ofSeconds(30)).until(this::allUploaded);
        assertThat(metrics.uploadConflicts().get()).isZero();
    }

    private StreamArchive.Target target() {
        return new StreamArchive.Target(
                streamDir,
                new ManifestIdentity("lab", "kraken", "LAB_KRAKEN", "gzip", "1m"),
                StorageSettings.Format.GZIP,
                Duration.ofMinutes(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofMinutes(5));
    }
}
