package io.ssmd.archive;

import io.ssmd.core.config.UploadSettings;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.connectors.s3.AccessStyle;
import org.apache.pekko.stream.connectors.s3.ObjectMetadata;
import org.apache.pekko.stream.connectors.s3.S3Attributes;
import org.apache.pekko.stream.connectors.s3.S3Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The S3 clients of an upload target: the same settings speak to AWS S3, MinIO and GCS's XML API, which differ only
 * in endpoint, addressing style and credentials. Uploads go through Pekko Connectors S3 (PUT and HEAD); listing a
 * bucket and reading objects back, which the connector cannot do without {@code pekko-http-xml} (excluded, see
 * VERSIONS.md), go through the AWS SDK's synchronous client on the JDK's HTTP connection.
 */
final class S3Target {

    private S3Target() {}

    /** Stream attributes that point the S3 connector at {@code upload}. */
    static Attributes attributes(ActorSystem<?> system, UploadSettings upload) {
        UploadSettings.Credentials keys = upload.credentials();
        S3Settings settings = S3Settings.create(system)
                .withCredentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .withS3RegionProvider(() -> Region.of(upload.region()))
                .withAccessStyle(
                        upload.pathStyle() ? AccessStyle.pathAccessStyle() : AccessStyle.virtualHostAccessStyle());
        if (upload.endpoint().isPresent()) {
            settings = settings.withEndpointUrl(upload.endpoint().get().toString());
        }
        return S3Attributes.settings(settings);
    }

    /** An AWS SDK client for {@code upload}, for listing and reading back; close it after use. Blocking. */
    static S3Client client(UploadSettings upload) {
        UploadSettings.Credentials keys = upload.credentials();
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(upload.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .forcePathStyle(upload.pathStyle())
                // The SDK's newer checksum headers are not spoken by every S3-compatible store (S3Proxy, older MinIO
                // and Ceph answer 501): ssmd checks objects by the SHA-256 it stores itself.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        upload.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** A HEAD answer of the connector, as ssmd compares it. */
    static RemoteObject remote(ObjectMetadata head) {
        Optional<String> sha256 = head.headers().stream()
                .filter(h -> h.lowercaseName().equals("x-amz-meta-" + ObjectDigest.SHA256_METADATA))
                .map(h -> h.value().trim().toLowerCase(Locale.ROOT))
                .findFirst();
        return new RemoteObject(
                head.getContentLength(),
                sha256,
                ObjectDigest.unquoted(head.getETag().orElse("")));
    }

    /** A HEAD answer of the SDK, as ssmd compares it. */
    static RemoteObject remote(HeadObjectResponse head) {
        Optional<String> sha256 = Optional.ofNullable(head.metadata().get(ObjectDigest.SHA256_METADATA))
                .map(v -> v.trim().toLowerCase(Locale.ROOT));
        return new RemoteObject(head.contentLength(), sha256, ObjectDigest.unquoted(head.eTag()));
    }
}
