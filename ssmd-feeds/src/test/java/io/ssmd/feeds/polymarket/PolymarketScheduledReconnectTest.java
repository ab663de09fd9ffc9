package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.shard.ShardRig;
import io.ssmd.feeds.shard.TestFeeds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reconnect.scheduled-interval}: every shard reconnects on purpose, at once rather than after a backoff, and
 * the shards of a feed go one at a time, staggered by their index, not together.
 */
class PolymarketScheduledReconnectTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("polymarket-scheduled");

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void eachShardReconnectsOnScheduleOneAtATime() {
        List<String> assets = PolymarketReplayServer.syntheticInstruments(1200);
        ReplaySettings settings =
                ReplaySettings.synthetic("polymarket", 0, 100, 5).withInstruments(assets);
        ReplayServer server =
                ReplayServer.create(SERVERS.system(), PolymarketReplayServer.create(settings), settings, new Faults());
        ServerBinding binding = server.bind().toCompletableFuture().join();
        String base = "http://127.0.0.1:" + binding.localAddress().getPort();
        Environment environment = TestFeeds.discoveryEnvironment(
                dir,
                NatsServerExtension.freshName("s").toLowerCase(),
                "polymarket",
                "ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws/market",
                1200,
                Map.of(
                        "discovery: https://gamma-api.polymarket.com",
                        "discovery: " + base,
                        "# scheduled-interval: 6h",
                        "scheduled-interval: 10s"));
        try (ShardRig rig = ShardRig.start(NATS.connect(), environment, PolymarketFeed::create)) {
            rig.startManager(Venues.wire(environment.feeds().get(0)).feed().discovery(), Duration.ofMinutes(5));
            List<String> shards = List.of("polymarket-0", "polymarket-1", "polymarket-2");

            await().atMost(WAIT.plusSeconds(30))
                    .until(() -> shards.stream()
                            .allMatch(
                                    s -> rig.control(ControlEvent.CONNECTED, s).size() >= 2));

            List<ControlEvent> planned = shards.stream()
                    .map(s -> rig.control(ControlEvent.DISCONNECTED, s).get(0))
                    .toList();
            assertThat(planned).allSatisfy(e -> assertThat(e.reason()).startsWith("scheduled reconnect"));
            // Shard n waits interval × (1 − ½·frac((n + 1)·φ)): 6.9 s, 8.8 s and 5.7 s here, so 2, 0, 1.
            assertThat(planned.stream()
                            .sorted(Comparator.comparingLong(ControlEvent::ts))
                            .map(ControlEvent::shard))
                    .containsExactly("polymarket-2", "polymarket-0", "polymarket-1");
            // No backoff after a planned disconnect: the reconnect is immediate, and counts as no failed attempt.
            for (String shard : shards) {
                ControlEvent reconnected =
                        rig.control(ControlEvent.CONNECTED, shard).get(1);
                assertThat(reconnected.since()).isNotNull();
            }
        } finally {
            binding.unbind().toCompletableFuture().join();
        }
    }
}
