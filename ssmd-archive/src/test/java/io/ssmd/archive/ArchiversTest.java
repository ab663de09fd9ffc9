package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
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

    @Test
    void startArchivesEveryStreamOfTheEnvironmentCommitsOnStopAndUploads() throws Exception {
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "lab-archive");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "k", "s")
                .build();
        proxy.start();
        ActorTestKit kit = ActorTestKit.create();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getState().equals("STARTED"));
            String env = NatsServerExtension.freshName("e").toLowerCase();
            Path envFile = Files.writeString(
                    dir.resolve(env + ".yaml"), """
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
                    """.formatted(env, shippedFeeds(), dir.resolve("archive"), port));
            Environment environment =
                    EnvironmentLoader.load(envFile, Map.of("AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s"));
            Connection nats = NATS.connect();
            new StreamSetup(nats.jetStreamManagement()).apply(environment.streams(), environment.publishableSubjects());
            // Received now: the hour's window stays open until the archiver is stopped.
            long now = System.currentTimeMillis() * 1000;
            ArchiveFixture.publishTrades(
                    nats.jetStream(), env + ".kraken.json.trade.BTC-USD", "kraken-0:1", 1, 1000, now, 1);
            PrometheusRegistry registry = new PrometheusRegistry();

            Archivers archivers = Archivers.start(kit.system(), environment, nats, registry);
            Path streamDir =
                    ArchiveLayout.streamDir(dir.resolve("archive"), env, "kraken", env.toUpperCase() + "_KRAKEN");
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
        } finally {
            kit.shutdownTestKit();
            proxy.stop();
            blobs.close();
        }
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
