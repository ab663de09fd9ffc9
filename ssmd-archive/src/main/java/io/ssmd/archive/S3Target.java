package io.ssmd.archive;

import io.ssmd.core.config.UploadSettings;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.connectors.s3.AccessStyle;
import org.apache.pekko.stream.connectors.s3.S3Attributes;
import org.apache.pekko.stream.connectors.s3.S3Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The Pekko Connectors S3 settings for an upload target: the same client speaks to AWS S3, MinIO and GCS's XML API,
 * which differ only in endpoint, addressing style and credentials.
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
}
