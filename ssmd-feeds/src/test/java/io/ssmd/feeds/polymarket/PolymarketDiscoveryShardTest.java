package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.InstrumentDiscovery;
import io.ssmd.core.shard.ShardHealth;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Polymarket run the way the default environment runs it: instruments from Gamma discovery (the replay server's),
 * packed by the feed manager into shards of 400 (500 × 0.8), each shard healing alone.
 */
class PolymarketDiscoveryShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("polymarket-replay");
    private static final List<String> ASSETS = PolymarketReplayServer.syntheticInstruments(1200);

    @TempDir
    Path dir;

    private ServerBinding binding;
    private ReplayServer server;
    private Environment environment;
    private ShardRig rig;

    @BeforeEach
    void start() {
        ReplaySettings settings =
                ReplaySettings.synthetic("polymarket", 0, 100, 9).withInstruments(ASSETS);
        server = ReplayServer.create(SERVERS.system(), PolymarketReplayServer.create(settings), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
        String base = "http://127.0.0.1:" + binding.localAddress().getPort();
        environment = TestFeeds.discoveryEnvironment(
                dir,
                NatsServerExtension.freshName("p").toLowerCase(),
                "polymarket",
                "ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws/market",
                1200,
                Map.of(
                        "discovery: https://gamma-api.polymarket.com",
                        "discovery: " + base,
                        "min-backoff: 1s",
                        "min-backoff: 100ms"));
        rig = ShardRig.start(NATS.connect(), environment, PolymarketFeed::create);
    }

    @AfterEach
    void stop() {
        rig.close();
        binding.unbind().toCompletableFuture().join();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    private Optional<ShardHealth> shard(String name) {
        return rig.health().stream().filter(h -> h.shard().equals(name)).findFirst();
    }

    @Test
    void discoveredAssetsRunInThreeShardsAndADroppedShardHealsAlone() {
        rig.startManager(Venues.wire(environment.feeds().get(0)).feed().discovery(), Duration.ofMinutes(5));

        await().atMost(WAIT)
                .until(() -> rig.health().stream()
                                .filter(h -> h.state().equals("streaming"))
                                .count()
                        == 3);
        assertThat(rig.health()).extracting(h -> h.instruments().size()).containsExactly(400, 400, 400);
        assertThat(rig.health()).flatExtracting(ShardHealth::instruments).containsExactlyInAnyOrderElementsOf(ASSETS);
        await().atMost(WAIT)
                .until(() -> !rig.published(s -> s.contains(".json.book.")).isEmpty());

        server.faults().only(shard("polymarket-1").orElseThrow().instruments());
        server.faults().disconnectAll();

        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "polymarket-1").size() == 2);
        await().atMost(WAIT)
                .until(() -> shard("polymarket-1")
                        .map(h -> h.reconnects() == 1 && h.state().equals("streaming"))
                        .orElse(false));
        assertThat(rig.control(ControlEvent.DISCONNECTED, "polymarket-0")).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, "polymarket-2")).isEmpty();
        assertThat(shard("polymarket-0").orElseThrow().reconnects()).isZero();
        assertThat(shard("polymarket-2").orElseThrow().reconnects()).isZero();
    }

    @Test
    void rediscoveryAddsAndRemovesInstrumentsKeepingTheOthersInTheirShards() {
        List<String> first = ASSETS.subList(0, 10);
        List<String> second = new ArrayList<>(ASSETS.subList(2, 10));
        second.addAll(ASSETS.subList(10, 13));
        AtomicReference<List<String>> found = new AtomicReference<>(first);
        InstrumentDiscovery discovery = found::get;
        rig.startManager(Optional.of(discovery), Duration.ofMillis(500));

        await().atMost(WAIT)
                .until(() -> shard("polymarket-0")
                        .map(h -> h.instruments().equals(first) && h.state().equals("streaming"))
                        .orElse(false));
        found.set(second);
        await().atMost(WAIT)
                .until(() -> shard("polymarket-0")
                        .map(h -> h.instruments().equals(second) && h.state().equals("streaming"))
                        .orElse(false));
        assertThat(rig.health()).hasSize(1);
        // Changed on the open connection (Polymarket's dynamic subscribe): the new assets' books arrive, no reconnect.
        String added = ASSETS.get(12);
        await().atMost(WAIT)
                .until(() -> rig.published(s -> s.contains(".json.book.")).stream()
                        .anyMatch(p -> new String(p.data(), java.nio.charset.StandardCharsets.UTF_8).contains(added)));
        assertThat(rig.control(ControlEvent.CONNECTED, "polymarket-0")).hasSize(1);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "polymarket-0")).isEmpty();
    }

    @Test
    void anEmptyDiscoveryAnswerIsHeldAndTheShardsKeepTheirInstruments() {
        List<String> universe = ASSETS.subList(0, 10);
        // The venue's answers in turn: the universe, once nothing (an API fault), then the universe again.
        List<List<String>> answers = List.of(universe, List.of(), universe);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        InstrumentDiscovery discovery = () -> answers.get(Math.min(calls.getAndIncrement(), answers.size() - 1));
        rig.startManager(Optional.of(discovery), Duration.ofMillis(300));

        await().atMost(WAIT)
                .until(() -> shard("polymarket-0")
                        .map(h -> h.instruments().equals(universe) && h.state().equals("streaming"))
                        .orElse(false));
        await().atMost(WAIT).until(() -> calls.get() >= 5);

        assertThat(rig.counter("ssmd_connector_discovery_held")).isEqualTo(1);
        assertThat(shard("polymarket-0").orElseThrow().instruments()).isEqualTo(universe);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "polymarket-0"))
                .as("the shard kept its connection and instruments through the empty answer")
                .isEmpty();
    }

    @Test
    void aLossOfMoreThanHalfTheUniverseTakesEffectOnlyWhenASecondAnswerConfirmsIt() {
        List<String> universe = ASSETS.subList(0, 10);
        List<String> few = ASSETS.subList(0, 3);
        AtomicReference<List<String>> found = new AtomicReference<>(universe);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        InstrumentDiscovery discovery = () -> {
            calls.incrementAndGet();
            return found.get();
        };
        rig.startManager(Optional.of(discovery), Duration.ofSeconds(1));
        await().atMost(WAIT)
                .until(() -> shard("polymarket-0")
                        .map(h -> h.instruments().equals(universe) && h.state().equals("streaming"))
                        .orElse(false));

        int before = calls.get();
        found.set(few);
        await().atMost(WAIT).until(() -> rig.counter("ssmd_connector_discovery_held") == 1);
        assertThat(calls.get()).isGreaterThan(before);
        assertThat(shard("polymarket-0").orElseThrow().instruments())
                .as("held after one answer")
                .isEqualTo(universe);
        await().atMost(WAIT)
                .until(() -> shard("polymarket-0")
                        .map(h -> h.instruments().equals(few))
                        .orElse(false));
        assertThat(rig.counter("ssmd_connector_discovery_held")).isEqualTo(1);
    }
}
