package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.shard.ReplayedFeed;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' metric names (DESIGN §17) on Kraken shards against the replay server and a real nats-server: counted where
 * ssmd's own are, once, and the venue lag measured from the frames' own timestamps.
 */
class KrakenShardMetricsTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kraken-replay");

    @TempDir
    Path dir;

    private ReplayedFeed feed;

    @AfterEach
    void stop() {
        if (feed != null) {
            feed.close();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void receivedPublishedAndLagCountWhatTheShardsDid() {
        feed = ReplayedFeed.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                "kraken",
                40,
                11,
                List.of("BTC/USD", "ETH/USD"),
                Map.of("max-instruments-per-connection: 100", "max-instruments-per-connection: 1"),
                KrakenFeed::create);
        ShardRig rig = feed.rig();
        rig.startShards(0.8);

        // Received frames are the frames messages_total counts by type; published are the acked outcomes, once each.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(rig.counter("ssmd_connector_messages_received"))
                    .isGreaterThan(20)
                    .isEqualTo(rig.counter("ssmd_connector_messages"));
            assertThat(rig.counter("ssmd_connector_messages_published"))
                    .isGreaterThan(20)
                    .isEqualTo(rig.outcomes().stream()
                            .filter(o -> o.status() != PublishOutcome.Status.FAILED)
                            .count());
        });
        // The replay server stamps its updates and trades with its clock, which is ours: each shard measured a lag,
        // small and not negative.
        for (String shard : List.of("kraken-0", "kraken-1")) {
            await().atMost(WAIT).until(() -> lag(rig, shard).getCount() > 0);
            HistogramSnapshot.HistogramDataPointSnapshot lag = lag(rig, shard);
            assertThat(lag.getSum() / lag.getCount()).as(shard).isBetween(0.0, 5.0);
        }
        assertThat(rig.counter("ssmd_connector_errors")).isZero();
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot lag(ShardRig rig, String shard) {
        return rig.metrics().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_connector_lag_seconds"))
                .flatMap(m -> ((HistogramSnapshot) m).getDataPoints().stream())
                .filter(d -> shard.equals(d.getLabels().get("shard")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no lag histogram for " + shard));
    }
}
