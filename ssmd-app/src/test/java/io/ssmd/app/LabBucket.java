package io.ssmd.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * The bucket the commands' {@code --remote} tests read: an in-memory blob store behind S3Proxy on a free port, bucket
 * {@value #BUCKET} under key prefix {@value #PREFIX}, credentials {@code k}/{@code s} (never printed by the commands:
 * the tests check {@code "s"} does not appear), and an environment file whose {@code storage.upload} points at it.
 */
final class LabBucket implements AutoCloseable {

    static final String BUCKET = "lab-archive";
    static final String PREFIX = "ssmd/";

    /** The credentials as the environment gives them to a command. */
    static final Map<String, String> CREDENTIALS = Map.of("AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s");

    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final int port;

    private LabBucket(BlobStoreContext context, S3Proxy proxy, int port) {
        this.context = context;
        this.proxy = proxy;
        this.port = port;
    }

    /** An empty bucket, S3Proxy started and answering. */
    static LabBucket start() throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, BUCKET);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "k", "s")
                .build();
        proxy.start();
        LabBucket bucket = new LabBucket(context, proxy, port);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getState().equals("STARTED"));
        } catch (RuntimeException e) {
            bucket.close();
            throw e;
        }
        return bucket;
    }

    /** Stores {@code file}'s bytes under {@value #PREFIX}{@code key}. */
    void put(String key, Path file) throws IOException {
        BlobStore blobs = context.getBlobStore();
        blobs.putBlob(
                BUCKET,
                blobs.blobBuilder(PREFIX + key)
                        .payload(Files.readAllBytes(file))
                        .build());
    }

    /**
     * Writes {@code {dir}/exchanges/{env}.yaml} (with the shipped Kraken feed file beside it): feed kraken on BTC/USD,
     * archive root {@code archiveRoot}, uploads to this bucket, one archiver of all streams.
     */
    Path environment(Path dir, String env, Path archiveRoot) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml")));
        return Files.writeString(
                dir.resolve("exchanges/" + env + ".yaml"), """
                name: %s
                feeds-dir: feeds
                feeds:
                  kraken: {instruments: [BTC/USD]}
                storage:
                  archive-root: %s
                  upload: {endpoint: "http://127.0.0.1:%d", region: us-east-1, bucket: %s,
                           path-style: true, prefix: %s}
                archivers:
                  - name: main
                    streams: all
                """.formatted(env, archiveRoot, port, BUCKET, PREFIX));
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
