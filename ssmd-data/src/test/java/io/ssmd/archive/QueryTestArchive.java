package io.ssmd.archive;

import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * One feed's stream archived by the real archiver, for ssmd-data's query tests: messages are published to a real
 * nats-server with the connector's headers, then {@link #archive} runs the archiver (through the archiver tests'
 * {@link ArchiverHarness}, one-minute windows) until every message is committed. Archiving again after more messages
 * of an already committed window reopens its file: a second gzip member or zstd frame.
 */
public final class QueryTestArchive {

    /** 2026-01-01T00:00:00Z in µs. */
    public static final long DAY0 = ArchiveFixture.DAY0;

    public static final long MINUTE = ArchiveFixture.MINUTE;

    private final ArchiverHarness harness;
    private final JetStream js;
    private final Connection nats;
    private long published;

    private QueryTestArchive(ArchiverHarness harness, Connection nats) throws IOException {
        this.harness = harness;
        this.nats = nats;
        this.js = nats.jetStream();
    }

    /** A new stream {@code {ENV}_{FEED}} over {@code {env}.{feed}.>}, archived under {@code root} in {@code format}. */
    public static QueryTestArchive create(
            Connection nats, Path root, String env, String feed, StorageSettings.Format format) throws IOException {
        String stream = (env + "_" + feed).toUpperCase().replace('-', '_');
        ArchiveFixture.createStream(nats, stream, env, feed, 0);
        return new QueryTestArchive(new ArchiverHarness(env, feed, stream, root, format), nats);
    }

    /** Publishes one message as a connector does and waits for its ack; returns its stream sequence. */
    public long publish(String subject, String id, long receivedAt, byte[] frame) {
        published++;
        return ArchiveFixture.publish(js, ArchiveFixture.message(subject, id, receivedAt, frame));
    }

    /** Publishes a control event on its subject, as a shard announces it. */
    public long publishControl(String env, ControlEvent event) {
        return publish(
                env + "." + event.feed() + ".control." + event.event() + "." + event.shard(),
                event.shard() + ":" + event.event() + ":" + event.ts(),
                event.ts(),
                event.toJson());
    }

    /** Runs the archiver until every message published so far is committed, then stops it. */
    public void archive(ActorSystem<?> system) {
        harness.start(system, nats);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ArchiveFixture.committedRecords(harness.streamDir()) == published);
        harness.stop();
    }

    /** The stream's directory: {@code {root}/{env}/{feed}/{stream}}. */
    public Path streamDir() {
        return harness.streamDir();
    }

    /** Messages published so far. */
    public long published() {
        return published;
    }
}
