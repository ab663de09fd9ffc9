package io.ssmd.feeds.shard;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.replay.Faults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shard machinery against the Kraken replay server, with a minimal connector: three shards of one symbol each,
 * data flowing, and one shard's connection broken while its siblings go on.
 */
class FeedShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("replay-servers");
    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "SOL/USD");

    @TempDir
    Path dir;

    private ReplayedFeed feed;
    private Faults faults;
    private ShardRig rig;

    @BeforeEach
    void start() {
        feed = ReplayedFeed.start(
                SERVERS.system(),
                NATS.connect(),
                dir,
                "kraken",
                50,
                3,
                SYMBOLS,
                Map.of(
                        "max-instruments-per-connection: 100", "max-instruments-per-connection: 1",
                        "silence-timeout: 10s", "silence-timeout: 1s",
                        "min-backoff: 1s", "min-backoff: 100ms",
                        "max-backoff: 60s", "max-backoff: 1s"),
                WholeFrameConnector::new);
        faults = feed.faults();
        rig = feed.rig();
    }

    @AfterEach
    void stop() {
        feed.close();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    private List<ShardRig.Published> data(String token) {
        return rig.published(s -> s.contains(".json.") && s.endsWith("." + token));
    }

    @Test
    void everyShardStreamsAndReportsItsHealth() {
        List<FeedShard.Start> shards = rig.startShards(0.8);
        assertThat(shards)
                .extracting(FeedShard.Start::instruments)
                .containsExactly(List.of("BTC/USD"), List.of("ETH/USD"), List.of("SOL/USD"));
        await().atMost(WAIT)
                .until(() -> data("BTC-USD").size() > 20
                        && data("ETH-USD").size() > 20
                        && data("SOL-USD").size() > 20);
        assertThat(rig.control(ControlEvent.CONNECTED, "kraken-0")).hasSize(1);
        ShardRig.Published one = data("ETH-USD").get(0);
        assertThat(one.headers().getFirst("Nats-Msg-Id")).startsWith("kraken-1:");
        assertThat(one.headers().getFirst("Ssmd-Shard")).isEqualTo("kraken-1");
        assertThat(new String(one.data(), StandardCharsets.UTF_8)).contains("\"ETH/USD\"");

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(rig.health())
                        .extracting(ShardHealth::shard, ShardHealth::state)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("kraken-0", "streaming"),
                                org.assertj.core.groups.Tuple.tuple("kraken-1", "streaming"),
                                org.assertj.core.groups.Tuple.tuple("kraken-2", "streaming")));
        ShardHealth health = rig.health().get(0);
        assertThat(health.instruments()).containsExactly("BTC/USD");
        assertThat(health.messages()).containsKey("orderbook");
        assertThat(health.connectedSince()).isPositive();
        assertThat(health.node()).isEqualTo("test-node");
    }

    @Test
    void aDroppedConnectionReconnectsThatShardOnly() {
        rig.startShards(0.8);
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-2").size() == 1
                        && rig.control(ControlEvent.CONNECTED, "kraken-0").size() == 1);
        faults.only(List.of("ETH/USD"));
        faults.disconnectAll();

        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-1").size() == 2);
        ControlEvent down = rig.control(ControlEvent.DISCONNECTED, "kraken-1").get(0);
        ControlEvent up = rig.control(ControlEvent.CONNECTED, "kraken-1").get(1);
        assertThat(up.since()).isNotNull().isLessThanOrEqualTo(up.ts());
        assertThat(up.epoch()).isGreaterThan(down.epoch());
        assertThat(down.instruments()).containsExactly("ETH/USD");
        int before = data("ETH-USD").size();
        await().atMost(WAIT).until(() -> data("ETH-USD").size() > before + 10);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-0")).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-2")).isEmpty();
        await().atMost(WAIT)
                .until(() -> rig.health().stream()
                        .filter(h -> h.shard().equals("kraken-1"))
                        .anyMatch(h -> h.reconnects() == 1));
    }

    @Test
    void aStalledConnectionIsCaughtByTheWatchdog() {
        rig.startShards(0.8);
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-2").size() == 1);
        faults.only(List.of("SOL/USD"));
        faults.stalled(true);

        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.DISCONNECTED, "kraken-2").isEmpty());
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-2").get(0).reason())
                .contains("watchdog");
        faults.clear();
        int before = data("SOL-USD").size();
        await().atMost(WAIT).until(() -> data("SOL-USD").size() > before + 10);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-0")).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-1")).isEmpty();
    }

    @Test
    void malformedAndOversizedFramesAreKeptOnTheUnparsedSubject() {
        rig.startShards(1.0 / 3);
        await().atMost(WAIT).until(() -> data("BTC-USD").size() > 5);
        faults.oversizedBytes(5 * 1024 * 1024);
        faults.malformed().add(1);
        faults.oversized().add(1);
        await().atMost(WAIT)
                .until(() -> rig.published(s -> s.contains(".json.unparsed.")).size() >= 2);
        List<ShardRig.Published> unparsed = rig.published(s -> s.contains(".json.unparsed."));
        assertThat(unparsed)
                .anySatisfy(p -> assertThat(p.data().length).isLessThan(1000))
                .anySatisfy(p -> assertThat(p.data().length).isEqualTo(4 * 1024 * 1024));
        assertThat(rig.counter("ssmd_connector_parse_errors")).isGreaterThanOrEqualTo(2);
    }
}
