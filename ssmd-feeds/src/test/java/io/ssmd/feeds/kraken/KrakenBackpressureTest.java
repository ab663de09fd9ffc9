package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.shard.ReplayedFeed;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NATS outage longer than the silence timeout, with the Kraken replay server sending steadily: the publish window
 * fills, the shard keeps its venue socket and shows {@code backpressured} (its watchdogs judge the venue only by what
 * it could read), and the outage is one {@code backpressure} control event from window full to drained.
 */
class KrakenBackpressureTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kraken-replay");
    private static final String SHARD = "kraken-0";
    /** Longer than the silence timeout (2 s) and than four of them (Pekko's idle timeout used to be that). */
    private static final Duration OUTAGE = Duration.ofSeconds(9);

    @TempDir
    Path dir;

    private ReplayedFeed feed;
    private ShardRig rig;

    @BeforeEach
    void start() {
        feed = ReplayedFeed.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                "kraken",
                40,
                11,
                List.of("BTC/USD"),
                Map.of(
                        "silence-timeout: 10s", "silence-timeout: 2s",
                        "min-backoff: 1s", "min-backoff: 100ms",
                        "max-backoff: 60s", "max-backoff: 1s"),
                // A small window: at 40 frames/s it is full within a second of NATS going away.
                """
                transport:
                  publish:
                    window: 16
                """,
                KrakenFeed::create);
        rig = feed.rig();
        rig.startShards(0.8);
        await().atMost(WAIT).until(() -> orderbook().size() > 5);
    }

    @AfterEach
    void stop() {
        feed.close();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    private List<ShardRig.Published> orderbook() {
        return rig.published(s -> s.endsWith(".kraken.json.orderbook.BTC-USD"));
    }

    private Optional<ShardHealth> health() {
        return rig.health().stream().filter(h -> h.shard().equals(SHARD)).findFirst();
    }

    private String state() {
        return health().map(ShardHealth::state).orElse("");
    }

    @Test
    void aNatsOutageLongerThanTheSilenceTimeoutKeepsTheVenueSocketAndIsOneBackpressureGap() {
        await().atMost(WAIT).until(() -> state().equals(ShardHealth.STREAMING));
        long stoppedAt = EpochMicros.now();
        long stoppedNanos = System.nanoTime();
        NATS.stop();

        await().atMost(WAIT).until(() -> state().equals(ShardHealth.BACKPRESSURED));
        // Polled through the rest of the outage: backpressured all along, never disconnected or reconnected.
        Duration rest = OUTAGE.minusNanos(System.nanoTime() - stoppedNanos);
        assertThat(rest).isGreaterThan(Duration.ofSeconds(5));
        await().pollInterval(Duration.ofMillis(250))
                .during(rest)
                .atMost(rest.plusSeconds(3))
                .until(() -> health().filter(h -> h.state().equals(ShardHealth.BACKPRESSURED) && h.reconnects() == 0)
                        .isPresent());
        long restartedAt = EpochMicros.now();
        NATS.start();

        int before = orderbook().size();
        await().atMost(WAIT).until(() -> orderbook().size() > before + 40);
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.BACKPRESSURE, SHARD).size() == 1);
        await().atMost(WAIT).until(() -> state().equals(ShardHealth.STREAMING));

        ControlEvent gap = rig.control(ControlEvent.BACKPRESSURE, SHARD).get(0);
        // From window full, soon after NATS went away, to drained, after it came back.
        assertThat(gap.since()).isBetween(stoppedAt, stoppedAt + 3_000_000);
        assertThat(gap.ts()).isGreaterThanOrEqualTo(restartedAt);
        assertThat(gap.instruments()).containsExactly("BTC/USD");
        assertThat(gap.epoch())
                .isEqualTo(rig.control(ControlEvent.CONNECTED, SHARD).get(0).epoch());
        assertThat(rig.control(ControlEvent.DISCONNECTED, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.CONNECTED, SHARD)).hasSize(1);
        assertThat(health().orElseThrow().reconnects()).isZero();
    }
}
