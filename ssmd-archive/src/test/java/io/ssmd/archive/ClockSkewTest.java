package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static io.ssmd.archive.ArchiveFixture.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A receive time hours ahead of the archiver's clock is a counted {@code clock_skew}, and rotation goes on. */
class ClockSkewTest {

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
    void aReceiveTimeHoursAheadGoesIntoTheCurrentWindowAndLaterWindowsStillCommit() throws Exception {
        String env = NatsServerExtension.freshName("k").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Connection nats = NATS.connect();
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        ArchiverHarness archiver = new ArchiverHarness(env, "kraken", stream, root, StorageSettings.Format.GZIP);
        String subject = env + ".kraken.json.trade.BTC-USD";
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "k", 1, 30, DAY0, 1000);
        // A connector whose clock is three hours ahead of the archiver's.
        long ahead = System.currentTimeMillis() * 1000 + 3 * 60 * MINUTE;
        ArchiveFixture.publish(
                nats.jetStream(), ArchiveFixture.message(subject, "k:31", ahead, ArchiveFixture.trade(31)));
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "k", 32, 30, DAY0 + MINUTE, 1000);
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "k", 62, 30, DAY0 + 2 * MINUTE, 1000);

        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 91);
        archiver.stop();

        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(LongStream.rangeClosed(1, 91).boxed().toList());
        Manifest manifest = ArchiveFixture.manifests(archiver.streamDir()).get(0);
        assertThat(manifest.files())
                .extracting(FileEntry::name, FileEntry::records, FileEntry::clockSkew)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0000.jsonl.gz", 31L, 1L),
                        org.assertj.core.groups.Tuple.tuple("0001.jsonl.gz", 30L, 0L),
                        org.assertj.core.groups.Tuple.tuple("0002.jsonl.gz", 30L, 0L));
        // The file's times stay those of its window; the line keeps the receive time it came with.
        assertThat(manifest.files().get(0).end()).isEqualTo(DAY0 + 29 * 1000);
        List<SegmentReader.Line> lines = ArchiveFixture.lines(archiver.streamDir());
        assertThat(lines.get(30).seq()).isEqualTo(31);
        assertThat(lines.get(30).ts()).isEqualTo(ahead);
        assertThat(archiver.streamMetrics().clockSkew().get()).isEqualTo(1);
        assertThat(ArchiveVerifier.verify(root).problems()).isEmpty();
    }
}
