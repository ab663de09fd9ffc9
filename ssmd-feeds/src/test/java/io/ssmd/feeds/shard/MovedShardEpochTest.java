package io.ssmd.feeds.shard;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.ssmd.archive.ControlGaps;
import io.ssmd.archive.Gap;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.shard.RenewSettings;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.replay.ReplaySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard that moves to a host whose clock is behind the old host's (DESIGN §5, §13), against the Kraken replay server
 * and a real nats-server: the stream holds the old connection's events, their epoch an hour ahead of this host's
 * clock, ending in a hand-off's {@code disconnected}. The shard's new instance must start an epoch above it, or the
 * archive takes its {@code connected} for a late event of the replaced connection and the hand-off's hole stays open.
 * With NATS unreachable at its start, the shard does not wait for the stream: it connects with its host's clock.
 */
class MovedShardEpochTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @AutoClose("shutdownTestKit")
    private static final ActorTestKit SERVERS = ActorTestKit.create("moved-shard-replay");

    private static final String SHARD = "kraken-0";
    private static final List<String> SYMBOLS = List.of("BTC/USD");

    @TempDir
    Path dir;

    @AutoClose
    private ReplayedShard shard;

    @Test
    void aShardMovedToAHostWhoseClockIsBehindStartsAboveTheOldEpochAndClosesTheHandoffHole() throws Exception {
        shard = ReplayedShard.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                ReplaySettings.synthetic("kraken", 0, 50, 23),
                SYMBOLS,
                KrakenFeed::create,
                RenewSettings.defaults());
        ShardRig rig = shard.rig();
        // The old host's clock runs an hour ahead of this one's: its connection, its last sign of life, its hand-off.
        long oldEpoch = EpochMicros.now() + Duration.ofHours(1).toNanos() / 1000;
        shard.publishAsOldNode(ControlEvent.connected("kraken", SHARD, oldEpoch, oldEpoch, SYMBOLS, null, "1.0.0"));
        shard.publishAsOldNode(
                ControlEvent.of(ControlEvent.ALIVE, "kraken", SHARD, oldEpoch, oldEpoch + 1_000_000, "", List.of()));
        shard.publishAsOldNode(ControlEvent.of(
                ControlEvent.DISCONNECTED,
                "kraken",
                SHARD,
                oldEpoch,
                oldEpoch + 2_000_000,
                ControlEvent.REASON_HANDOFF,
                SYMBOLS));

        shard.startShard();

        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, SHARD).size() == 2);
        ControlEvent connected = rig.control(ControlEvent.CONNECTED, SHARD).get(1);
        assertThat(connected.epoch()).isGreaterThan(oldEpoch);
        // Its market data carries the new epoch too.
        await().atMost(WAIT).until(() -> shard.countOfEpoch(connected.epoch()) > 10);
        assertThat(ReplayedShard.once(shard.market()))
                .allSatisfy(p -> assertThat(ReplayedShard.epochOf(p)).isEqualTo(connected.epoch()));

        // The archive, reading the shard's control events from the stream, closes the hand-off's hole at the new
        // connected: one connection_lost with reason handoff, from the old disconnected to it, and nothing left open.
        await().atMost(WAIT).untilAsserted(() -> {
            List<Message> events = controlEvents(rig);
            ControlGaps archive = new ControlGaps();
            List<Gap> gaps = new ArrayList<>();
            long disconnectedSeq = 0;
            long connectedSeq = 0;
            for (Message m : events) {
                ControlEvent event = ControlEvent.fromJson(m.getData());
                long seq = m.metaData().streamSequence();
                disconnectedSeq = event.event().equals(ControlEvent.DISCONNECTED) ? seq : disconnectedSeq;
                connectedSeq = event.event().equals(ControlEvent.CONNECTED) ? seq : connectedSeq;
                gaps.addAll(archive.on(seq, event));
            }
            long from = disconnectedSeq;
            long to = connectedSeq;
            assertThat(gaps).singleElement().satisfies(gap -> {
                assertThat(gap.type()).isEqualTo(Gap.CONNECTION_LOST);
                assertThat(gap.reason()).isEqualTo(Gap.HANDOFF);
                assertThat(gap.fromSeq()).isEqualTo(from);
                assertThat(gap.toSeq()).isEqualTo(to);
                assertThat(gap.end()).isEqualTo(connected.ts());
            });
            assertThat(archive.marks()).singleElement().satisfies(mark -> {
                assertThat(mark.epoch()).isEqualTo(connected.epoch());
                assertThat(mark.disconnected()).as("an open hole").isNull();
            });
        });
    }

    @Test
    void withNatsUnreachableAtItsStartTheShardStillConnectsWithItsHostsClock() {
        shard = ReplayedShard.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                ReplaySettings.synthetic("kraken", 0, 50, 23),
                SYMBOLS,
                KrakenFeed::create,
                RenewSettings.defaults());
        ShardRig rig = shard.rig();
        NATS.stop();
        long before = EpochMicros.now();

        shard.startShard();

        // The epoch check gives up after its bound: the shard reaches its venue while NATS is still away.
        await().atMost(WAIT)
                .until(() -> rig.health(SHARD)
                        .map(h -> h.state().equals(ShardHealth.STREAMING)
                                || h.state().equals(ShardHealth.BACKPRESSURED))
                        .orElse(false));
        NATS.start();
        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.CONNECTED, SHARD).isEmpty());
        assertThat(rig.control(ControlEvent.CONNECTED, SHARD).get(0).epoch()).isGreaterThanOrEqualTo(before);
    }

    /** The shard's control events in the stream, in stream order, as the archiver reads them. */
    private static List<Message> controlEvents(ShardRig rig) throws Exception {
        List<Message> events = new ArrayList<>();
        JetStreamSubscription subscription = rig.nats()
                .jetStream()
                .subscribe(
                        Subjects.control(rig.env(), "kraken", "*", SHARD),
                        PushSubscribeOptions.builder().ordered(true).build());
        try {
            Message m;
            while ((m = subscription.nextMessage(Duration.ofSeconds(5))) != null) {
                events.add(m);
                if (m.metaData().pendingCount() == 0) {
                    break;
                }
            }
        } finally {
            subscription.unsubscribe();
        }
        return events;
    }
}
