package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.meta.RegistryReferences;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code env validate}'s storage check reaches the upload bucket (a HEAD through S3Proxy): a bucket that answers
 * passes, a missing bucket or a wrong secret is a failure naming the bucket, and no credential is ever in the lines.
 */
class EnvValidateBucketTest {

    private static final String SECRET = "s3cr3t-for-the-bucket-test";

    @TempDir
    Path root;

    private S3Proxy proxy;
    private int port;

    @BeforeEach
    void startS3() throws Exception {
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "lab-archive");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "k", SECRET)
                .build();
        proxy.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getState().equals("STARTED"));
    }

    @AfterEach
    void stopS3() throws Exception {
        proxy.stop();
    }

    @Test
    void aBucketThatAnswersPasses() throws Exception {
        EnvironmentPreflight.Report report = check("lab-archive", SECRET);

        assertThat(report.passed()).contains("S3 bucket lab-archive is reachable");
        assertThat(report.failures()).noneMatch(line -> line.contains("bucket"));
    }

    @Test
    void aMissingBucketOrAWrongSecretFailsNamingTheBucketAndNoCredential() throws Exception {
        EnvironmentPreflight.Report missing = check("no-such-archive", SECRET);
        assertThat(missing.failures()).anySatisfy(line -> assertThat(line).contains("bucket no-such-archive"));
        assertThat(missing.passed()).noneMatch(line -> line.contains("S3 bucket"));

        String wrong = "wrong-" + SECRET;
        EnvironmentPreflight.Report refused = check("lab-archive", wrong);
        assertThat(refused.failures()).anySatisfy(line -> assertThat(line).contains("bucket lab-archive"));
        assertThat(String.join("\n", refused.failures()) + String.join("\n", refused.passed()))
                .doesNotContain(wrong)
                .doesNotContain(SECRET);
    }

    private EnvironmentPreflight.Report check(String bucket, String secret) throws Exception {
        Path feeds = Files.createDirectories(root.resolve("exchanges/feeds"));
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml")));
        Path envFile = Files.writeString(
                root.resolve("exchanges/lab.yaml"), """
                name: lab
                feeds-dir: feeds
                feeds:
                  kraken: {instruments: [BTC/USD]}
                storage:
                  archive-root: %s
                  upload: {endpoint: "http://127.0.0.1:%d", region: us-east-1, bucket: %s,
                           path-style: true, prefix: ssmd/}
                archivers:
                  - name: main
                    streams: all
                """.formatted(root.resolve("archive"), port, bucket));
        Environment environment =
                EnvironmentLoader.load(envFile, Map.of("AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", secret));
        return EnvironmentPreflight.check(
                envFile, environment, Optional.empty(), Optional.empty(), RegistryReferences.feedFiles());
    }
}
