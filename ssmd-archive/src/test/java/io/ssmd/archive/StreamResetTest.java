package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static io.ssmd.archive.ArchiveFixture.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.nats.StreamSpec;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream whose sequences start again below the archiver's position (deleted and recreated, or a memory stream lost
 * in a NATS restart): a {@code stream_reset} gap, and archiving goes on from the new stream's first sequence.
 */
class StreamResetTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    Path root;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @Test
    void aStreamDeletedAndRecreatedWhileArchivingIsAStreamResetAndArchivingGoesOn() throws Exception {
        String env = NatsServerExtension.freshName("d").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Connection nats = NATS.connect();
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        ArchiverHarness archiver = new ArchiverHarness(env, "kraken", stream, root, StorageSettings.Format.GZIP);
        String subject = env + ".kraken.json.trade.BTC-USD";
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "a", 1, 50, DAY0, 1000);
        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 50);

        nats.jetStreamManagement().deleteStream(stream);
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "b", 1, 20, DAY0 + 2 * MINUTE, 1000);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 70);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> archiver.streamMetrics()
                                .gaps()
                                .labelValues(stream, Gap.STREAM_RESET)
                                .get()
                        == 1);
        archiver.stop();

        // A restart resumes after the new stream's last archived sequence, not the old stream's.
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "b", 21, 5, DAY0 + 3 * MINUTE, 1000);
        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 75);
        archiver.stop();

        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(Stream.of(LongStream.rangeClosed(1, 50), LongStream.rangeClosed(1, 25))
                        .flatMap(LongStream::boxed)
                        .toList());
        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::fromSeq, Gap::toSeq, Gap::file)
                .containsExactly(tuple(Gap.STREAM_RESET, 51L, null, "0002.jsonl.gz"));
        Gap reset = ArchiveFixture.gaps(archiver.streamDir()).get(0);
        assertThat(reset.start()).isEqualTo(DAY0 + 49 * 1000);
        assertThat(reset.end()).isEqualTo(DAY0 + 2 * MINUTE);
        ArchiveVerifier.Report report = ArchiveVerifier.verify(root);
        assertThat(report.problems()).isEmpty();
        assertThat(report.streams().get(0).gaps()).containsEntry(Gap.STREAM_RESET, 1);

        // With its manifest lost, the day is read back: the sequence going back is a stream_reset again, and the
        // position is the new stream's.
        java.nio.file.Files.delete(archiver.streamDir().resolve("2026-01-01").resolve(ArchiveLayout.MANIFEST));
        ManifestRebuild.Position position = ManifestRebuild.run(
                archiver.streamDir(), new ManifestIdentity(env, "kraken", stream, "gzip", "1m"), new ManifestStore());
        assertThat(position.lastSeq()).isEqualTo(25);
        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::fromSeq, Gap::file)
                .containsExactly(tuple(Gap.STREAM_RESET, 51L, "0002.jsonl.gz"));
        assertThat(ArchiveVerifier.verify(root).problems()).isEmpty();
    }

    @Test
    void aStreamRecreatedWhileTheArchiverWasDownAndRefilledPastItsPositionIsAStreamReset() throws Exception {
        String env = NatsServerExtension.freshName("w").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Connection nats = NATS.connect();
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        ArchiverHarness archiver = new ArchiverHarness(env, "kraken", stream, root, StorageSettings.Format.GZIP);
        String subject = env + ".kraken.json.trade.BTC-USD";
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "a", 1, 50, DAY0, 1000);
        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 50);
        archiver.stop();
        long oldCreated =
                micros(nats.jetStreamManagement().getStreamInfo(stream).getCreateTime());
        assertThat(ArchiveFixture.manifests(archiver.streamDir()))
                .extracting(Manifest::streamCreated)
                .containsOnly(oldCreated);

        // While the archiver is down the stream is deleted, created again and filled past the archive's position
        // (seq 50): its sequences and its first seq alone look like the old stream's continuation.
        nats.jetStreamManagement().deleteStream(stream);
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "b", 1, 80, DAY0 + 2 * MINUTE, 1000);
        long newCreated =
                micros(nats.jetStreamManagement().getStreamInfo(stream).getCreateTime());
        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 130);
        archiver.stop();

        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(Stream.of(LongStream.rangeClosed(1, 50), LongStream.rangeClosed(1, 80))
                        .flatMap(LongStream::boxed)
                        .toList());
        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::fromSeq, Gap::file)
                .containsExactly(tuple(Gap.STREAM_RESET, 51L, "0002.jsonl.gz"));
        Gap reset = ArchiveFixture.gaps(archiver.streamDir()).get(0);
        assertThat(reset.start()).as("the old stream's last archived message").isEqualTo(DAY0 + 49 * 1000);
        assertThat(reset.end()).as("the new stream's first message").isEqualTo(DAY0 + 2 * MINUTE);
        assertThat(ArchiveFixture.manifests(archiver.streamDir()))
                .extracting(Manifest::streamCreated)
                .containsOnly(newCreated);
        assertThat(archiver.streamMetrics()
                        .gaps()
                        .labelValues(stream, Gap.STREAM_RESET)
                        .get())
                .isEqualTo(1);
        ArchiveVerifier.Report report = ArchiveVerifier.verify(root);
        assertThat(report.problems()).isEmpty();
        assertThat(report.streams().get(0).gaps()).containsEntry(Gap.STREAM_RESET, 1);
    }

    private static long micros(java.time.ZonedDateTime time) {
        return time.toEpochSecond() * 1_000_000L + time.getNano() / 1000;
    }

    @Test
    void aMemoryStreamLostInANatsRestartIsCreatedAgainAndArchived() throws Exception {
        String env = NatsServerExtension.freshName("m").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        StreamSpec spec = new StreamSpec(
                stream,
                List.of(env + ".kraken.>"),
                -1,
                Duration.ZERO,
                Duration.ofMinutes(2),
                StreamSpec.Storage.MEMORY,
                1);
        Connection nats = NATS.connect();
        nats.jetStreamManagement().addStream(StreamSetup.configuration(spec));
        ArchiverHarness archiver = new ArchiverHarness(env, "kraken", stream, root, StorageSettings.Format.GZIP);
        archiver.spec = Optional.of(spec);
        String subject = env + ".kraken.json.trade.BTC-USD";
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "a", 1, 30, DAY0, 1000);
        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 30);

        NATS.restart();
        // Nobody but the archiver creates the stream again.
        await().atMost(Duration.ofSeconds(30)).until(() -> exists(nats, stream));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        ArchiveFixture.publishTrades(nats.jetStream(), subject, "b", 1, 10, DAY0 + 2 * MINUTE, 1000));
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 40);
        archiver.stop();

        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(Stream.of(LongStream.rangeClosed(1, 30), LongStream.rangeClosed(1, 10))
                        .flatMap(LongStream::boxed)
                        .toList());
        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::fromSeq, Gap::file)
                .containsExactly(tuple(Gap.STREAM_RESET, 31L, "0002.jsonl.gz"));
        assertThat(ArchiveVerifier.verify(root).problems()).isEmpty();
    }

    private static boolean exists(Connection nats, String stream) {
        try {
            nats.jetStreamManagement().getStreamInfo(stream);
            return true;
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            return false;
        }
    }
}
