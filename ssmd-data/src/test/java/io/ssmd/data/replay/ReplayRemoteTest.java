package io.ssmd.data.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.archive.ArchiveLayout;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.ArchiverMetrics;
import io.ssmd.archive.ArchiverSettings;
import io.ssmd.archive.FileEntry;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.archive.RemoteArchive;
import io.ssmd.archive.Uploader;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.config.UploadSettings;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --remote}: the archive uploaded by the real uploader to an S3 API (S3Proxy in this JVM), fetched into a cache
 * and replayed, gives exactly what the local archive gives.
 */
class ReplayRemoteTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    /** What a target would receive, as comparable text. */
    private static List<String> replayed(ArchiveSelection selection) throws Exception {
        List<String> out = new ArrayList<>();
        try (ReplayMessages messages = ReplayMessages.open(selection, ReplayFilter.ALL)) {
            for (ReplayMessage m = messages.next(); m != null; m = messages.next()) {
                out.add(m.message().ts() + " " + m.message().seq() + " "
                        + m.message().subject() + " " + m.message().id() + " "
                        + m.message().text());
            }
        }
        return out;
    }

    @Test
    void aRangeFetchedFromTheBucketReplaysAsTheLocalArchiveDoes() throws Exception {
        Path root = dir.resolve("archive");
        ReplayArchiveFixture archive =
                ReplayArchiveFixture.archive(KIT.system(), NATS.connect(), root, StorageSettings.Format.ZSTD);
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
                .build();
        proxy.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getState().equals("STARTED"));
            blobs.getBlobStore().createContainerInLocation(null, "lab-archive");
            UploadSettings upload = new UploadSettings(
                    Optional.of(URI.create("http://127.0.0.1:" + port)),
                    "us-east-1",
                    "lab-archive",
                    "ssmd/",
                    true,
                    new UploadSettings.Credentials("test-access", "test-secret", "test"),
                    Duration.ofMillis(100),
                    Duration.ofMillis(400),
                    Optional.empty());
            String stream = Subjects.streamName(ReplayArchiveFixture.ENV, ReplayArchiveFixture.FEED);
            Path streamDir = ArchiveLayout.streamDir(root, ReplayArchiveFixture.ENV, ReplayArchiveFixture.FEED, stream);
            Uploader uploader = Uploader.start(
                    KIT.system(),
                    upload,
                    root,
                    streamDir,
                    new ManifestStore(),
                    ArchiverMetrics.create(new PrometheusRegistry()).stream(stream),
                    Duration.ofMillis(100),
                    ArchiverSettings.IO_DISPATCHER);
            try (RemoteArchive bucket = RemoteArchive.open(upload)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    var manifests = bucket.manifests(root, streamDir);
                    return manifests.size() == 2
                            && manifests.values().stream()
                                    .map(Manifest::files)
                                    .flatMap(List::stream)
                                    .allMatch(FileEntry::uploaded);
                });
                uploader.stop().toCompletableFuture().join();
                Path cache = dir.resolve("cache");

                long fetched = bucket.mirror(
                        root,
                        cache,
                        ReplayArchiveFixture.ENV,
                        ReplayArchiveFixture.FEED,
                        ReplayArchiveFixture.FIRST,
                        ReplayArchiveFixture.SECOND,
                        (file, size) -> {});

                assertThat(fetched).isPositive();
                ArchiveSelection remote = ArchiveSelection.select(
                        cache,
                        Optional.of(ReplayArchiveFixture.ENV),
                        ReplayArchiveFixture.FEED,
                        ReplayArchiveFixture.FIRST,
                        ReplayArchiveFixture.SECOND);
                assertThat(remote.files()).hasSameSizeAs(archive.selection().files());
                List<String> fromBucket = replayed(remote);
                assertThat(fromBucket).hasSize(archive.published.size());
                assertThat(fromBucket).containsExactlyElementsOf(replayed(archive.selection()));
            }
        } finally {
            proxy.stop();
            blobs.close();
        }
    }
}
