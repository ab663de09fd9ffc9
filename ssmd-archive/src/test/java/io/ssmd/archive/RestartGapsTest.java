package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static io.ssmd.archive.ArchiveFixture.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that dies publishes no {@code disconnected}: its shards' next connection epochs are the only sign of the
 * hole, and the archive must mark it from the last sign of life, whether the archiver itself restarted or not.
 */
class RestartGapsTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit KIT = ActorTestKit.create();

    private static final long SECOND = 1_000_000L;
    private static final long E1 = DAY0 + 10 * MINUTE;
    private static final long E2 = DAY0 + 12 * MINUTE;

    @TempDir
    Path root;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @Test
    void aNewEpochWithoutItsDisconnectedIsARestartGapFromTheLastSignOfLife() throws IOException {
        Fixture f = new Fixture("rg");
        f.firstLife();
        f.secondLife();

        f.archiver.start(KIT.system(), f.nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(f.streamDir()) == 9);
        f.archiver.stop();

        f.assertGaps();
    }

    @Test
    void theArchiverRestartedBetweenTheTwoEpochsStillMarksTheHole() throws IOException {
        Fixture f = new Fixture("ra");
        f.firstLife();
        f.archiver.start(KIT.system(), f.nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(f.streamDir()) == 6);
        f.archiver.stop();
        assertThat(ArchiveFixture.gaps(f.streamDir())).isEmpty();

        f.secondLife();
        f.archiver.start(KIT.system(), f.nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(f.streamDir()) == 9);
        f.archiver.stop();

        f.assertGaps();
    }

    @Test
    void aShardThatNeverComesBackIsAnOpenGap() throws IOException {
        Fixture f = new Fixture("rn");
        f.firstLife();
        // kraken-1 lives on; kraken-0 never comes back.
        f.control(ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-1", E1, E1 + 5 * MINUTE, "", List.of()));

        f.archiver.start(KIT.system(), f.nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(f.streamDir()) == 7);
        f.archiver.stop();

        Manifest day = ArchiveFixture.manifests(f.streamDir()).get(0);
        assertThat(day.gaps()).isEmpty();
        // Judged against the day's last message, and against the clock when the day is the stream's newest.
        for (boolean newest : List.of(false, true)) {
            assertThat(day.openGaps(newest, E1 + 5 * MINUTE))
                    .extracting(Gap::type, Gap::shard, Gap::fromSeq, Gap::toSeq, Gap::start, Gap::end, Gap::open)
                    .containsExactly(tuple(Gap.CONNECTION_LOST, "kraken-0", 5L, null, E1 + 20 * SECOND, null, true));
        }
        LocalDate date = LocalDate.ofInstant(java.time.Instant.ofEpochSecond(E1 / SECOND), ZoneOffset.UTC);
        assertThat(ArchiveInventory.gaps(root, "kraken", date))
                .extracting(g -> g.gap().shard(), g -> g.gap().open())
                .containsExactly(tuple("kraken-0", true));
    }

    /** Two shards of one stream: kraken-0 dies without a word, kraken-1 says goodbye before it reconnects. */
    private final class Fixture {
        final Connection nats;
        final JetStream js;
        final String env;
        final ArchiverHarness archiver;

        Fixture(String prefix) throws IOException {
            env = NatsServerExtension.freshName(prefix).toLowerCase();
            nats = NATS.connect();
            js = nats.jetStream();
            String stream = env.toUpperCase() + "_KRAKEN";
            ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
            archiver = new ArchiverHarness(env, "kraken", stream, root, StorageSettings.Format.GZIP);
        }

        Path streamDir() {
            return archiver.streamDir();
        }

        /** Seqs 1..6: both shards connect, kraken-0 trades and is alive twice, kraken-1 drops its connection. */
        void firstLife() {
            control(ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E1, E1, "", List.of("BTC/USD")));
            control(ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-1", E1, E1, "", List.of("ETH/USD")));
            ArchiveFixture.publish(
                    js,
                    ArchiveFixture.message(
                            env + ".kraken.json.trade.BTC-USD",
                            "kraken-0:" + E1 + ":1:0",
                            E1 + SECOND,
                            ArchiveFixture.trade(1)));
            control(ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-0", E1, E1 + 10 * SECOND, "", List.of()));
            control(ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-0", E1, E1 + 20 * SECOND, "", List.of()));
            control(ControlEvent.of(
                    ControlEvent.DISCONNECTED, "kraken", "kraken-1", E1, E1 + 25 * SECOND, "stalled", List.of()));
        }

        /** Seqs 7..9: the node is back; kraken-0's new epoch comes without the old one's disconnected. */
        void secondLife() {
            control(ControlEvent.of(
                    ControlEvent.CONNECTED, "kraken", "kraken-0", E2, E2 + SECOND, "", List.of("BTC/USD")));
            control(ControlEvent.of(
                    ControlEvent.CONNECTED, "kraken", "kraken-1", E2, E2 + SECOND, "", List.of("ETH/USD")));
            control(ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-0", E2, E2 + 11 * SECOND, "", List.of()));
        }

        void assertGaps() {
            assertThat(ArchiveFixture.gaps(streamDir()))
                    .extracting(Gap::type, Gap::shard, Gap::fromSeq, Gap::toSeq, Gap::start, Gap::end, Gap::reason)
                    .containsExactlyInAnyOrder(
                            tuple(Gap.CONNECTION_LOST, "kraken-0", 5L, 7L, E1 + 20 * SECOND, E2 + SECOND, "restart"),
                            tuple(Gap.CONNECTION_LOST, "kraken-1", 6L, 8L, E1 + 25 * SECOND, E2 + SECOND, "stalled"));
            Gap restart = ArchiveFixture.gaps(streamDir()).stream()
                    .filter(g -> g.shard().equals("kraken-0"))
                    .findFirst()
                    .orElseThrow();
            assertThat(restart.instruments()).containsExactly("BTC/USD");
            // Both shards are back: nothing is open.
            List<Manifest> manifests = ArchiveFixture.manifests(streamDir());
            assertThat(manifests.get(manifests.size() - 1).openGaps(true, E2 + 12 * SECOND))
                    .isEmpty();
        }

        void control(ControlEvent event) {
            ArchiveFixture.publish(
                    js,
                    ArchiveFixture.message(
                            env + ".kraken.control." + event.event() + "." + event.shard(),
                            "control:" + event.shard() + ":" + event.epoch() + ":" + event.event() + ":" + event.ts(),
                            event.ts(),
                            event.toJson()));
        }
    }
}
