package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.UploadSettings;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry point a node calls: an environment file with an archiver and an upload target, a real nats-server and
 * S3Proxy. Shutdown commits the open segment of a window that has not ended, and the committed files are uploaded.
 */
class ArchiversTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @TempDir
    Path dir;

    private BlobStoreContext blobs;
    private S3Proxy proxy;
    private ActorTestKit kit;

    @BeforeEach
    void start() throws Exception {
        blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "lab-archive");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "k", "s")
                .build();
        proxy.start();
        kit = ActorTestKit.create();
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getState().equals("STARTED"));
    }

    @AfterEach
    void stop() throws Exception {
        kit.shutdownTestKit();
        proxy.stop();
        blobs.close();
    }

    /** An environment archiving kraken's stream to {@code dir/archive}, uploading to S3Proxy. */
    private Environment environment(String env) throws Exception {
        Path envFile = Files.writeString(dir.resolve(env + ".yaml"), """
                name: %s
                feeds-dir: %s
                feeds:
                  kraken: {instruments: [BTC/USD]}
                storage:
                  archive-root: %s
                  rotation: 1h
                  upload: {endpoint: "http://127.0.0.1:%d", region: us-east-1, bucket: lab-archive,
                           path-style: true}
                archivers:
                  - name: main
                    streams: all
                """.formatted(
                        env, shippedFeeds(), dir.resolve("archive"), proxy.getPort()));
        return EnvironmentLoader.load(envFile, Map.of("AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s"));
    }

    @Test
    void startArchivesEveryStreamOfTheEnvironmentCommitsOnStopAndUploads() throws Exception {
        String env = NatsServerExtension.freshName("e").toLowerCase();
        Environment environment = environment(env);
        Connection nats = NATS.connect();
        new StreamSetup(nats.jetStreamManagement()).apply(environment.streams(), environment.publishableSubjects());
        // Received now: the hour's window stays open until the archiver is stopped.
        long now = System.currentTimeMillis() * 1000;
        ArchiveFixture.publishTrades(
                nats.jetStream(), env + ".kraken.json.trade.BTC-USD", "kraken-0:1", 1, 1000, now, 1);
        PrometheusRegistry registry = new PrometheusRegistry();

        Archivers archivers = Archivers.start(kit.system(), environment, nats, registry);
        Path streamDir = ArchiveLayout.streamDir(dir.resolve("archive"), env, "kraken", env.toUpperCase() + "_KRAKEN");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> registry.scrape().stream()
                        .anyMatch(m -> m.getMetadata().getPrometheusName().equals("ssmd_archiver_messages")
                                && m.getDataPoints().stream()
                                        .anyMatch(p -> p.getLabels().get("stream") != null
                                                && ((io.prometheus.metrics.model.snapshots.CounterSnapshot
                                                                                .CounterDataPointSnapshot)
                                                                        p)
                                                                .getValue()
                                                        == 1000)));
        assertThat(ArchiveFixture.committedRecords(streamDir)).isZero();
        archivers.stop().toCompletableFuture().join();

        assertThat(ArchiveFixture.seqs(streamDir))
                .isEqualTo(LongStream.rangeClosed(1, 1000).boxed().toList());
        Archivers again = Archivers.start(kit.system(), environment, nats, new PrometheusRegistry());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.manifests(streamDir).stream()
                        .flatMap(m -> m.files().stream())
                        .allMatch(FileEntry::uploaded));
        again.stop().toCompletableFuture().join();
        String key = ArchiveLayout.relative(
                dir.resolve("archive"), ArchiveFixture.segments(streamDir).get(0));
        assertThat(blobs.getBlobStore().blobExists("lab-archive", key)).isTrue();
    }

    /**
     * A moved archiver on a new volume (DESIGN §13): its root holds no manifests, the bucket does. It resumes after the
     * highest seq committed there, and a late message of the uploaded window goes to the next window: no object in the
     * bucket is written again (on the old code the archive restarted from seq 1 and overwrote the window's object).
     */
    @Test
    void anArchiverOnAnEmptyRootResumesFromTheUploadedManifestsAndRewritesNoObject() throws Exception {
        String env = NatsServerExtension.freshName("e").toLowerCase();
        Environment environment = environment(env);
        Connection nats = NATS.connect();
        new StreamSetup(nats.jetStreamManagement()).apply(environment.streams(), environment.publishableSubjects());
        String subject = env + ".kraken.json.trade.BTC-USD";
        // Three hours ago: the window has ended, so the archiver commits it once it is idle.
        long past = System.currentTimeMillis() * 1000 - Duration.ofHours(3).toNanos() / 1000;
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "kraken-0:1", 1, 1000, past, 1);
        Path root = dir.resolve("archive");
        Path streamDir = ArchiveLayout.streamDir(root, env, "kraken", env.toUpperCase() + "_KRAKEN");
        UploadSettings upload =
                environment.archivers().get(0).storage().upload().orElseThrow();

        Archivers first = Archivers.start(kit.system(), environment, nats, new PrometheusRegistry());
        await().atMost(Duration.ofSeconds(60)).until(() -> uploadedManifestFiles(upload, root, streamDir) == 1);
        first.stop().toCompletableFuture().join();
        Map<String, byte[]> before = objects();
        Map<String, java.util.Date> modified = new java.util.TreeMap<>();
        before.keySet()
                .forEach(k -> modified.put(
                        k, blobs.getBlobStore().blobMetadata("lab-archive", k).getLastModified()));

        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        // Late messages of the uploaded window, then the archiver starts on the empty root.
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "kraken-0:1", 1001, 500, past + 1000, 1);
        PrometheusRegistry registry = new PrometheusRegistry();
        Archivers second = Archivers.start(kit.system(), environment, nats, registry);
        await().atMost(Duration.ofSeconds(60)).until(() -> uploadedManifestFiles(upload, root, streamDir) == 2);
        second.stop().toCompletableFuture().join();

        List<FileEntry> files = ArchiveFixture.manifests(streamDir).stream()
                .flatMap(m -> m.files().stream())
                .toList();
        assertThat(files).hasSize(2).allMatch(FileEntry::uploaded);
        assertThat(files.get(0).firstSeq()).isEqualTo(1);
        assertThat(files.get(0).lastSeq()).isEqualTo(1000);
        assertThat(files.get(1).firstSeq()).isEqualTo(1001);
        assertThat(files.get(1).lastSeq()).isEqualTo(1500);
        // Only the new window's file is local: the uploaded one was never written again.
        assertThat(ArchiveFixture.segments(streamDir)).hasSize(1);
        for (Map.Entry<String, byte[]> object : before.entrySet()) {
            if (object.getKey().endsWith(ArchiveLayout.MANIFEST)) {
                continue;
            }
            assertThat(objects().get(object.getKey())).as(object.getKey()).isEqualTo(object.getValue());
            assertThat(blobs.getBlobStore()
                            .blobMetadata("lab-archive", object.getKey())
                            .getLastModified())
                    .isEqualTo(modified.get(object.getKey()));
        }
        try (RemoteArchive remote = RemoteArchive.open(upload)) {
            assertThat(ArchiveVerifier.verify(root, java.util.Optional.of(remote))
                            .problems())
                    .isEmpty();
        }
    }

    /** How many files the stream's uploaded manifests list. */
    private int uploadedManifestFiles(UploadSettings upload, Path root, Path streamDir) throws Exception {
        int files = 0;
        for (Map.Entry<String, byte[]> object : objects().entrySet()) {
            if (object.getKey().endsWith(ArchiveLayout.MANIFEST)
                    && object.getKey().startsWith(upload.key(ArchiveLayout.relative(root, streamDir)))) {
                files += ManifestStore.JSON
                        .readValue(object.getValue(), Manifest.class)
                        .files()
                        .size();
            }
        }
        return files;
    }

    /** Every object in the bucket, by key. */
    private Map<String, byte[]> objects() throws Exception {
        Map<String, byte[]> objects = new java.util.TreeMap<>();
        var bucket = blobs.getBlobStore();
        for (var meta :
                bucket.list("lab-archive", org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive())) {
            if (meta.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) {
                try (var in = bucket.getBlob("lab-archive", meta.getName())
                        .getPayload()
                        .openStream()) {
                    objects.put(meta.getName(), in.readAllBytes());
                }
            }
        }
        return objects;
    }

    private static Path shippedFeeds() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("exchanges/feeds"))) {
                return d.resolve("exchanges/feeds");
            }
        }
        throw new IllegalStateException("exchanges/feeds not found above the working directory");
    }
}
