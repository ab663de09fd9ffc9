package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.StreamContents;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped while its shards stream (DESIGN §2 shutdown order): each shard closes its socket, its publisher has
 * the outcome of every message, then it announces {@code disconnected}, and only then are control events flushed and
 * NATS closed. So the stream holds every shard's {@code disconnected}, after that connection's last message, and
 * exactly the messages the node saw acked.
 */
class NodeShutdownTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorSystem<Void> SERVERS = ActorSystem.create(Behaviors.empty(), "polymarket-venue");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> SHARDS = List.of("polymarket-0", "polymarket-1", "polymarket-2");

    @TempDir
    Path dir;

    private ActorSystem<Void> system;
    private ServerBinding binding;

    @AfterEach
    void stop() {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
        if (binding != null) {
            binding.unbind().toCompletableFuture().join();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.terminate();
        SERVERS.getWhenTerminated().toCompletableFuture().join();
    }

    @Test
    void aNodeStoppedUnderLoadLeavesEveryDisconnectAfterItsShardsLastMessage() throws Exception {
        List<String> assets = PolymarketReplayServer.syntheticInstruments(1200);
        ReplaySettings replay =
                ReplaySettings.synthetic("polymarket", 0, 2000, 5).withInstruments(assets);
        ReplayServer venue = ReplayServer.create(SERVERS, PolymarketReplayServer.create(replay), replay, new Faults());
        binding = venue.bind().toCompletableFuture().join();
        int port = binding.localAddress().getPort();
        String envName = NatsServerExtension.freshName("down").toLowerCase();
        Path env = environment(envName, "ws://127.0.0.1:" + port + "/ws/market", "http://127.0.0.1:" + port);
        system = TestNodeSettings.system("ssmd");
        Ssmd node = Ssmd.start(
                system,
                TestNodeSettings.of("test-node", dir, Optional.of(NATS.url()), Path.of("unused")),
                EnvironmentLoader.load(env, Map.of()));
        String stream = envName.toUpperCase() + "_POLYMARKET";
        Connection reader = NATS.connect();
        // Under load on every shard: from the security master the shards fill as the first sync's events arrive, so
        // one shard alone can pass 3000 acks before the last has started.
        await().atMost(WAIT).until(() -> acked(node) > 3000 && SHARDS.stream().allMatch(s -> acked(node, s) > 0));

        node.shutdown();
        system = null;

        List<MessageInfo> messages = StreamContents.readAll(reader, stream);
        List<MessageInfo> data = messages.stream()
                .filter(m -> !m.getSubject().contains(".control."))
                .toList();
        assertThat(failed(node)).isZero();
        assertThat((long) data.size())
                .as("every message the node saw acked is in the stream, and no other")
                .isEqualTo(acked(node));
        for (String shard : SHARDS) {
            List<MessageInfo> disconnects = messages.stream()
                    .filter(m -> m.getSubject().endsWith(".control.disconnected." + shard))
                    .toList();
            assertThat(disconnects).as(shard + " disconnected").hasSize(1);
            ControlEvent down = ControlEvent.fromJson(disconnects.get(0).getData());
            assertThat(down.reason())
                    .as("a node alone has no connector node to hand its shards to")
                    .isEqualTo(ControlEvent.REASON_SHUTDOWN);
            String epoch = shard + ":" + down.epoch() + ":";
            long lastOfEpoch = data.stream()
                    .filter(m -> PublishHeaders.msgId(m.getHeaders()).orElse("").startsWith(epoch))
                    .mapToLong(MessageInfo::getSeq)
                    .max()
                    .orElseThrow();
            assertThat(disconnects.get(0).getSeq())
                    .as(shard + "'s disconnected comes after its connection's last message")
                    .isGreaterThan(lastOfEpoch);
        }
    }

    /** Messages JetStream acked, as the node counted them (each ack is one observation of the publish latency). */
    private static long acked(Ssmd node) {
        return node.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_connector_publish_seconds"))
                .flatMap(m -> ((HistogramSnapshot) m).getDataPoints().stream())
                .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount)
                .sum();
    }

    /** The messages of one shard JetStream acked. */
    private static long acked(Ssmd node, String shard) {
        return node.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_connector_publish_seconds"))
                .flatMap(m -> ((HistogramSnapshot) m).getDataPoints().stream())
                .filter(p -> shard.equals(p.getLabels().get("shard")))
                .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount)
                .sum();
    }

    private static double failed(Ssmd node) {
        return node.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_connector_publish_failed"))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }

    /** The shipped Polymarket feed file aimed at the replay server, and an environment running it alone. */
    private Path environment(String name, String websocket, String gamma) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/polymarket.yaml"))
                .replace("wss://ws-subscriptions-clob.polymarket.com/ws/market", websocket)
                .replace("discovery: https://gamma-api.polymarket.com", "discovery: " + gamma);
        Files.writeString(feeds.resolve("polymarket.yaml"), feed);
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("down.yaml");
        Files.writeString(env, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  polymarket:
                    enabled: true
                    discovery:
                      max-instruments: 1200
                # The feed takes its markets from the security master: synced from the replay server at startup.
                secmaster:
                  sync-every: 1h
                streams:
                  defaults:
                    max-bytes: 256MiB
                    max-age: 1h
                    duplicate-window: 2m
                storage:
                  archive-root: %s
                archivers: []
                gateway:
                  enabled: false
                """.formatted(name, dir.resolve("archive")));
        return env;
    }
}
