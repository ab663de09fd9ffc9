package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.ssmd.core.SsmdVersion;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.shard.ReplayedFeed;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The Kraken spot connector in its shards against the Kraken replay server and a real nats-server: what the issue
 * asks to see (drop, stall, wrong checksum, isolation), with ssmd's own decoder.
 */
class KrakenShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kraken-replay");
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
                40,
                11,
                SYMBOLS,
                Map.of(
                        "max-instruments-per-connection: 100", "max-instruments-per-connection: 1",
                        "silence-timeout: 10s", "silence-timeout: 2s",
                        "min-backoff: 1s", "min-backoff: 100ms",
                        "max-backoff: 60s", "max-backoff: 1s"),
                KrakenFeed::create);
        faults = feed.faults();
        rig = feed.rig();
        rig.startShards(0.8);
        await().atMost(WAIT)
                .until(() -> SYMBOLS.stream().allMatch(s -> orderbook(s).size() > 5));
    }

    @AfterEach
    void stop() {
        feed.close();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    private List<ShardRig.Published> orderbook(String symbol) {
        String subject = ".kraken.json.orderbook." + symbol.replace('/', '-');
        return rig.published(s -> s.endsWith(subject));
    }

    @Test
    void aDroppedConnectionReconnectsResubscribesAndTheGapIsOnTheControlSubject() {
        faults.only(List.of("ETH/USD"));
        faults.disconnectAll();

        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-1").size() == 2);
        ControlEvent down = rig.control(ControlEvent.DISCONNECTED, "kraken-1").get(0);
        ControlEvent up = rig.control(ControlEvent.CONNECTED, "kraken-1").get(1);
        assertThat(up.since()).isNotNull();
        assertThat(down.ts()).isLessThanOrEqualTo(up.ts());
        int before = orderbook("ETH/USD").size();
        // Resubscribed: a fresh snapshot then updates arrive on the new connection.
        await().atMost(WAIT).until(() -> orderbook("ETH/USD").size() > before + 10);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-0")).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-2")).isEmpty();
        // The venue closing the connection is a connection error (errors_total{error_type="connection"}), once.
        assertThat(errors("kraken-1", "connection")).isEqualTo(1);
        assertThat(errors("kraken-0", "connection")).isZero();
    }

    private double errors(String shard, String type) {
        return rig.metrics().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_connector_errors"))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .filter(d -> shard.equals(d.getLabels().get("shard"))
                        && type.equals(d.getLabels().get("error_type")))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }

    @Test
    void aStreamingShardSaysItIsAliveEveryIntervalWithItsConnectionEpoch() {
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.ALIVE, "kraken-0").size() >= 2);
        ControlEvent connected = rig.control(ControlEvent.CONNECTED, "kraken-0").get(0);
        // The connection names the ssmd version running it, so the archive can tell which versions produced a day.
        assertThat(connected.version()).isEqualTo(SsmdVersion.current()).isNotBlank();
        List<ControlEvent> alive = rig.control(ControlEvent.ALIVE, "kraken-0");
        assertThat(alive).allSatisfy(a -> {
            assertThat(a.epoch()).isEqualTo(connected.epoch());
            assertThat(a.ts()).isGreaterThan(connected.ts());
        });
        assertThat(alive.get(1).ts() - alive.get(0).ts())
                .isGreaterThanOrEqualTo(ShardRig.ALIVE_INTERVAL.toNanos() / 1000 / 2);
    }

    @Test
    void aStalledConnectionIsNoticedByTheWatchdogAndReconnected() {
        faults.only(List.of("SOL/USD"));
        faults.stalled(true);

        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.DISCONNECTED, "kraken-2").isEmpty());
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-2").get(0).reason())
                .contains("no inbound traffic for 2000 ms (watchdog)");
        faults.clear();
        int before = orderbook("SOL/USD").size();
        await().atMost(WAIT).until(() -> orderbook("SOL/USD").size() > before + 10);
    }

    @Test
    void aWrongChecksumResynchronizesThatBookAndPublishesTheResync() {
        faults.badChecksum().add(1);

        await().atMost(WAIT)
                .until(() -> SYMBOLS.stream()
                                .mapToInt(s -> rig.control(ControlEvent.RESYNC, "kraken-" + SYMBOLS.indexOf(s))
                                        .size())
                                .sum()
                        == 1);
        String shard = rig.published(s -> s.contains(".control.resync.")).get(0).subject();
        String victim = shard.substring(shard.lastIndexOf('.') + 1);
        ControlEvent resync = rig.control(ControlEvent.RESYNC, victim).get(0);
        String symbol = SYMBOLS.get(Integer.parseInt(victim.substring("kraken-".length())));
        assertThat(resync.instruments()).containsExactly(symbol);
        assertThat(resync.reason()).containsIgnoringCase("checksum");
        // The book comes back: a new snapshot is published after the resync and updates follow it, none resyncing.
        int before = orderbook(symbol).size();
        await().atMost(WAIT).until(() -> orderbook(symbol).size() > before + 20);
        assertThat(rig.counter("ssmd_connector_resyncs")).isEqualTo(1);
        assertThat(rig.control(ControlEvent.DISCONNECTED, victim)).isEmpty();
    }

    @Test
    void breakingOneShardRepeatedlyNeverStopsItsSiblings() {
        faults.only(List.of("ETH/USD"));
        for (int round = 1; round <= 3; round++) {
            int connections = round;
            faults.disconnectAll();
            await().atMost(WAIT)
                    .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-1").size() == connections + 1);
        }
        faults.stalled(true);
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.DISCONNECTED, "kraken-1").size() == 4);
        faults.clear();
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.CONNECTED, "kraken-1").size() == 5);

        // Every outage of kraken-1 (from its disconnect to its next connect) was covered by its siblings' data.
        List<ControlEvent> downs = rig.control(ControlEvent.DISCONNECTED, "kraken-1");
        List<ControlEvent> ups = rig.control(ControlEvent.CONNECTED, "kraken-1");
        List<ShardRig.Published> btc = orderbook("BTC/USD");
        List<ShardRig.Published> sol = orderbook("SOL/USD");
        for (int i = 0; i < downs.size(); i++) {
            long from = downs.get(i).ts();
            long to = ups.get(i + 1).ts();
            assertThat(receivedWithin(btc, from, to))
                    .as("BTC/USD during outage %d", i)
                    .isPositive();
            assertThat(receivedWithin(sol, from, to))
                    .as("SOL/USD during outage %d", i)
                    .isPositive();
        }
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-0")).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kraken-2")).isEmpty();
        assertThat(maxGapMillis(btc)).as("largest pause in BTC/USD").isLessThan(maxOutageMillis(downs, ups));
    }

    private static long receivedWithin(List<ShardRig.Published> messages, long fromMicros, long toMicros) {
        return messages.stream()
                .map(m -> Long.parseLong(m.headers().getFirst("Ssmd-Received-At")))
                .filter(ts -> ts >= fromMicros && ts <= toMicros)
                .count();
    }

    private static long maxGapMillis(List<ShardRig.Published> messages) {
        List<Long> times = new ArrayList<>();
        messages.forEach(m -> times.add(Long.parseLong(m.headers().getFirst("Ssmd-Received-At"))));
        times.sort(Long::compare);
        long max = 0;
        for (int i = 1; i < times.size(); i++) {
            max = Math.max(max, times.get(i) - times.get(i - 1));
        }
        return max / 1000;
    }

    private static long maxOutageMillis(List<ControlEvent> downs, List<ControlEvent> ups) {
        long max = 0;
        for (int i = 0; i < downs.size(); i++) {
            max = Math.max(max, (ups.get(i + 1).ts() - downs.get(i).ts()) / 1000);
        }
        return max;
    }
}
