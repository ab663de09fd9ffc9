package io.ssmd.feeds.shard;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.RenewSettings;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.replay.ReplaySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard instance that starts while its shard is stopped (DESIGN §17), against the Kraken replay server and a real
 * nats-server: the stream holds what a shard paused in place on a node since lost left, its {@code connected} and its
 * {@code disconnected} with reason {@code scheduled_teardown}. The new instance stays stopped (no connection, no
 * event) whatever its manager re-sends, answers a {@code Pause} as paused, and connects at a {@code Resume} with an
 * epoch above the old one. After an ordinary hand-off's {@code disconnected} it connects, as before.
 */
class StoppedShardStartTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @AutoClose("shutdownTestKit")
    private static final ActorTestKit SERVERS = ActorTestKit.create("stopped-shard-replay");

    private static final String SHARD = "kraken-0";
    private static final List<String> SYMBOLS = List.of("BTC/USD");

    /**
     * How long the stopped instance is watched for a connection. It decides from the stream before it would connect,
     * and reports {@code stopped} only after deciding; what could still connect it is its manager's re-send (sent
     * three times within the watch) or a reconnect timer, whose backoff here is 100 ms to 1 s: three seconds pass
     * several of either, and the replay server answers a handshake in milliseconds.
     */
    private static final Duration WATCH = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @AutoClose
    private ReplayedShard shard;

    @Test
    void aShardThatStartsWhileStoppedStaysStoppedUntilResumed() throws Exception {
        shard = start();
        ShardRig rig = shard.rig();
        long oldEpoch = EpochMicros.now() - Duration.ofMinutes(5).toNanos() / 1000;
        shard.oldConnectionEnded(oldEpoch, SYMBOLS, ControlEvent.REASON_SCHEDULED_TEARDOWN);

        shard.startShard();

        await().atMost(WAIT)
                .until(() -> rig.health(SHARD)
                        .map(h -> h.state().equals(ShardHealth.STOPPED)
                                && h.lastError().equals("stopped: scheduled_teardown"))
                        .orElse(false));
        // Its manager re-sends the assignment (here by hand, three times within the watch): it stays stopped.
        await().during(WATCH)
                .atMost(WATCH.multipliedBy(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    shard.startShard();
                    return rig.control(ControlEvent.CONNECTED, SHARD).size() == 1
                            && rig.control(ControlEvent.DISCONNECTED, SHARD).size() == 1
                            && shard.market().isEmpty()
                            && rig.health(SHARD)
                                    .map(h -> h.state().equals(ShardHealth.STOPPED))
                                    .orElse(false);
                });

        TestProbe<FeedShard.Paused> probe = TestProbe.create(rig.system());
        FeedShard.ref(rig.system(), SHARD)
                .tell(new FeedShard.Pause(ControlEvent.REASON_SCHEDULED_TEARDOWN, probe.ref()));
        assertThat(probe.expectMessageClass(FeedShard.Paused.class, WAIT).paused())
                .isTrue();

        FeedShard.ref(rig.system(), SHARD).tell(new FeedShard.Resume(probe.ref()));
        assertThat(probe.expectMessageClass(FeedShard.Paused.class, WAIT).paused())
                .isFalse();
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, SHARD).size() == 2);
        ControlEvent connected = rig.control(ControlEvent.CONNECTED, SHARD).get(1);
        assertThat(connected.epoch()).isGreaterThan(oldEpoch);
        await().atMost(WAIT).until(() -> shard.countOfEpoch(connected.epoch()) > 10);
        await().atMost(WAIT)
                .until(() -> rig.health(SHARD)
                        .map(h -> h.state().equals(ShardHealth.STREAMING)
                                && h.lastError().isEmpty())
                        .orElse(false));
    }

    @Test
    void aShardHandedOffConnects() throws Exception {
        shard = start();
        ShardRig rig = shard.rig();
        long oldEpoch = EpochMicros.now() - Duration.ofMinutes(5).toNanos() / 1000;
        shard.oldConnectionEnded(oldEpoch, SYMBOLS, ControlEvent.REASON_HANDOFF);

        shard.startShard();

        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, SHARD).size() == 2);
        ControlEvent connected = rig.control(ControlEvent.CONNECTED, SHARD).get(1);
        assertThat(connected.epoch()).isGreaterThan(oldEpoch);
        await().atMost(WAIT).until(() -> shard.countOfEpoch(connected.epoch()) > 10);
    }

    private ReplayedShard start() {
        return ReplayedShard.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                ReplaySettings.synthetic("kraken", 0, 50, 23),
                SYMBOLS,
                KrakenFeed::create,
                RenewSettings.defaults());
    }
}
