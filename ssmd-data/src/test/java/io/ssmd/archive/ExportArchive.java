package io.ssmd.archive;

import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.ssmd.core.config.StorageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * An archive written by the real archiver for the data-out tests: messages published on a real nats-server as a
 * connector publishes them, archived by {@link ArchiverHarness} until every one is committed.
 */
public final class ExportArchive {

    /** One message: its subject and payload, exactly as a connector publishes it. */
    public record Published(String subject, byte[] data) {}

    private ExportArchive() {}

    /**
     * Publishes {@code messages} on a new stream over {@code {env}.{feed}.>}, received one per {@code spacing} µs from
     * {@code start}, archives them under {@code root} in {@code format} and waits until all are committed.
     */
    public static void write(
            ActorSystem<?> system,
            Connection nats,
            Path root,
            String env,
            String feed,
            StorageSettings.Format format,
            List<Published> messages,
            long start,
            long spacing)
            throws java.io.IOException {
        String stream = (env + "_" + feed).toUpperCase().replace('-', '_');
        ArchiveFixture.createStream(nats, stream, env, feed, 0);
        var js = nats.jetStream();
        for (int i = 0; i < messages.size(); i++) {
            Published m = messages.get(i);
            ArchiveFixture.publish(
                    js, ArchiveFixture.message(m.subject(), feed + "-0:" + i, start + i * spacing, m.data()));
        }
        ArchiverHarness archiver = new ArchiverHarness(env, feed, stream, root, format).start(system, nats);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == messages.size());
        } finally {
            archiver.stop();
        }
    }
}
