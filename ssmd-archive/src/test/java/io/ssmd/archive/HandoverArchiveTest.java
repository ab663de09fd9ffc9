package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static io.ssmd.archive.ArchiveFixture.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver over a stream in which a shard renewed its connection in place (DESIGN §17): the old epoch's messages,
 * its {@code handover} to the new epoch, the new epoch's messages, and the old epoch's last sign of life archived
 * after the switch. No gap in the manifest, whose shard mark records the handover; the same stream with a new epoch
 * that only {@code connected} (a node that died) is a {@code restart} gap, so the test tells them apart.
 */
class HandoverArchiveTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit KIT = ActorTestKit.create();

    private static final long E1 = DAY0 + MINUTE;
    private static final long E2 = E1 + 5 * MINUTE;
    private static final long SWITCH = E2 + 2_000_000L;

    @TempDir
    Path root;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @Test
    void aRenewedConnectionIsArchivedWithoutAGapAndItsHandoverInTheManifest() throws Exception {
        ArchiverHarness archiver = archive(ControlEvent.handover(
                "kraken", "kraken-0", E1, E2, SWITCH, "connection renewed", List.of("BTC/USD"), "1.0.0"));

        assertThat(ArchiveFixture.gaps(archiver.streamDir())).isEmpty();
        Manifest manifest = ArchiveFixture.manifests(archiver.streamDir()).get(0);
        assertThat(manifest.hasGaps()).isFalse();
        assertThat(manifest.shards()).singleElement().satisfies(mark -> {
            assertThat(mark.epoch()).isEqualTo(E2);
            assertThat(mark.disconnected()).isNull();
            assertThat(mark.handover()).isNotNull();
            assertThat(mark.handover().from()).isEqualTo(E1);
            assertThat(mark.handover().at()).isEqualTo(SWITCH);
        });
    }

    @Test
    void theSameEpochChangeWithoutAHandoverIsARestartGap() throws Exception {
        ArchiverHarness archiver =
                archive(ControlEvent.connected("kraken", "kraken-0", E2, SWITCH, List.of("BTC/USD"), null, "1.0.0"));

        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Gap.CONNECTION_LOST, Gap.RESTART));
    }

    /** Archives: E1 connected, its trades, {@code switched} (the event that starts E2), E2's trades, late E1 alive. */
    private ArchiverHarness archive(ControlEvent switched) throws java.io.IOException {
        String env = NatsServerExtension.freshName("h").toLowerCase();
        Connection nats = NATS.connect();
        String stream = env.toUpperCase() + "_KRAKEN";
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        ArchiverHarness archiver = new ArchiverHarness(env, "kraken", stream, root, StorageSettings.Format.GZIP);
        JetStream js = nats.jetStream();
        String control = env + ".kraken.control.";
        String trades = env + ".kraken.json.trade.BTC-USD";
        publishControl(
                js, control, ControlEvent.connected("kraken", "kraken-0", E1, E1, List.of("BTC/USD"), null, "1.0.0"));
        ArchiveFixture.publishTrades(js, trades, "kraken-0:" + E1, 1, 20, E1 + 1, 1000);
        publishControl(js, control, switched);
        ArchiveFixture.publishTrades(js, trades, "kraken-0:" + E2, 21, 20, SWITCH, 1000);
        publishControl(js, control, ControlEvent.of("alive", "kraken", "kraken-0", E1, SWITCH + 1, "", List.of()));
        publishControl(js, control, ControlEvent.of("alive", "kraken", "kraken-0", E2, SWITCH + 50_000, "", List.of()));

        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 44);
        archiver.stop();
        return archiver;
    }

    private static void publishControl(JetStream js, String prefix, ControlEvent event) {
        ArchiveFixture.publish(
                js,
                ArchiveFixture.message(
                        prefix + event.event() + "." + event.shard(),
                        event.shard() + ":" + event.event() + ":" + event.epoch() + ":" + event.ts(),
                        event.ts(),
                        event.toJson()));
    }
}
