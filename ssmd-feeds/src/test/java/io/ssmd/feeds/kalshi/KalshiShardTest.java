package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.shard.ShardRig;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kalshi connector in real shards: signed handshakes accepted by the replay server (which checks them against
 * the test key), market data on category subjects with categories from discovery, and a seq gap on one shard's
 * book sid resynchronizing that shard's markets only.
 */
class KalshiShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kalshi-replay");
    private static final List<String> MARKETS = KalshiReplayServer.defaultInstruments();

    @TempDir
    Path dir;

    private KalshiTestServer server;
    private ShardRig rig;
    private String env;

    @BeforeEach
    void start() throws Exception {
        server = KalshiTestServer.synthetic(SERVERS.system(), 40, 7);
        env = NatsServerExtension.freshName("k").toLowerCase();
        Environment environment = environment();
        EnabledFeed feed = environment.feed("kalshi").orElseThrow();
        KalshiSettings settings = KalshiSettings.create(feed).withPaging(Duration.ZERO, 100, 3, Duration.ZERO);
        KalshiUniverse universe = KalshiDiscovery.create(
                        settings, HttpClient.newHttpClient(), d -> {}, new SplittableRandom(1))
                .discover();
        rig = ShardRig.start(NATS.connect(), environment, f -> KalshiFeed.create(f, universe.categoryByTicker()));
        rig.startShards(0.8);
        await().atMost(WAIT)
                .until(() -> MARKETS.stream().allMatch(m -> orderbook(m).size() > 3));
    }

    @AfterEach
    void stop() {
        rig.close();
        server.close();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    private List<ShardRig.Published> orderbook(String market) {
        return rig.published(s -> s.endsWith(".json.orderbook." + Subjects.token(market)));
    }

    @Test
    void marketDataGoesOnTheSubjectsOfItsCategory() {
        assertThat(rig.published(s -> s.equals(env + ".kalshi.crypto.json.orderbook.KXETHD-26FEB1217-T1819_99")))
                .isNotEmpty();
        assertThat(rig.published(s -> s.equals(env + ".kalshi.financials.json.orderbook.KXGOLDH-26AUG2711-T4615_99")))
                .isNotEmpty();
        assertThat(rig.published(s -> s.equals(env + ".kalshi.science_and_technology.json.orderbook.KXELONMARS-99")))
                .isNotEmpty();
        await().atMost(WAIT)
                .until(() -> !rig.published(s -> s.startsWith(env + ".kalshi.crypto.json.ticker."))
                        .isEmpty());
        assertThat(rig.published(s -> s.contains(".uncategorized."))).isEmpty();
        assertThat(rig.published(s -> s.contains(".json.unparsed."))).isEmpty();
        assertThat(rig.published(s -> s.equals(env + ".kalshi.json.system.kalshi-0")))
                .isNotEmpty();
        assertThat(rig.health()).allSatisfy(h -> assertThat(h.rejected()).isEmpty());
    }

    @Test
    void aSeqGapOnOneShardsBookSidResynchronizesThatShardsMarketsOnly() {
        // The replay server's skip-seq fault hits whichever session numbers the next frame; find out which it was.
        server.faults().skipSeq().add(1);

        // One resync control event per market of the broken sid, all on one shard.
        await().atMost(WAIT).until(() -> resyncs("kalshi-0") + resyncs("kalshi-1") == 4);
        int victim = resyncs("kalshi-0") == 4 ? 0 : 1;
        List<String> victimMarkets = MARKETS.subList(4 * victim, 4 * victim + 4);
        List<ControlEvent> events = rig.control(ControlEvent.RESYNC, "kalshi-" + victim);
        assertThat(events).hasSize(4).allSatisfy(e -> assertThat(e.reason()).startsWith("seq gap on sid 1"));
        assertThat(events.stream().flatMap(e -> e.instruments().stream()))
                .containsExactlyInAnyOrderElementsOf(victimMarkets);
        String market = victimMarkets.get(0);
        int before = orderbook(market).size();
        // Resubscribed on a new sid: fresh snapshots, then deltas checked again without another resync.
        await().atMost(WAIT).until(() -> orderbook(market).size() > before + 10);
        assertThat(resyncs("kalshi-0") + resyncs("kalshi-1")).isEqualTo(4);
        assertThat(rig.counter("ssmd_connector_resyncs")).isEqualTo(4);
        assertThat(rig.published(s -> s.equals(env + ".kalshi.json.system.kalshi-" + victim)))
                .anySatisfy(p -> assertThat(new String(p.data(), StandardCharsets.UTF_8))
                        .startsWith("{\"type\":\"subscribed\",\"id\":1000001,"));
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kalshi-" + victim)).isEmpty();
    }

    @Test
    void aQuietMarketIsNormalOnKalshiAndIsNotReported() {
        // The shipped kalshi.yaml watches no channel: a market that goes quiet while its shard's others stream is
        // what Kalshi markets do, and neither a quality issue nor a reason to resubscribe.
        String quiet = MARKETS.get(1);
        long silencedAt = io.ssmd.core.nats.EpochMicros.now();
        server.faults().silence(List.of(quiet));

        // Longer than any quiet time the Kraken tests use (3 s), counted by the shard's own alive events.
        await().atMost(WAIT)
                .until(() -> rig.control(ControlEvent.ALIVE, "kalshi-0").stream()
                                .filter(a -> a.ts() > silencedAt)
                                .count()
                        >= 8);
        for (String sibling : List.of(MARKETS.get(0), MARKETS.get(2))) {
            assertThat(receivedSince(orderbook(sibling), silencedAt))
                    .as(sibling)
                    .isGreaterThan(10);
        }
        assertThat(receivedSince(orderbook(quiet), silencedAt)).as(quiet).isLessThanOrEqualTo(3);
        assertThat(rig.control(ControlEvent.INSTRUMENT_QUIET, "kalshi-0")).isEmpty();
        assertThat(rig.counter("ssmd_connector_instrument_quiet")).isZero();
    }

    private static long receivedSince(List<ShardRig.Published> messages, long micros) {
        return messages.stream()
                .filter(m -> Long.parseLong(m.headers().getFirst("Ssmd-Received-At")) > micros)
                .count();
    }

    private int resyncs(String shard) {
        return rig.control(ControlEvent.RESYNC, shard).size();
    }

    /** The shipped kalshi.yaml pointed at the replay server, four markets a shard, credentials from "the environment". */
    private Environment environment() throws Exception {
        Path shipped = Path.of(System.getProperty("ssmd.project.dir", "..")).resolve("exchanges/feeds/kalshi.yaml");
        String feed = Files.readString(shipped)
                .replaceAll("(?m)^(\\s+websocket:\\s*)\\S+", "$1" + server.websocketUri())
                .replaceAll("(?m)^(\\s+rest:\\s*)\\S+", "$1" + server.http("/trade-api/v2"))
                .replace("max-instruments-per-connection: 200", "max-instruments-per-connection: 5")
                .replace("silence-timeout: 45s", "silence-timeout: 5s")
                .replace("ping-interval: 15s", "ping-interval: 1s")
                .replace("min-backoff: 1s", "min-backoff: 100ms");
        Files.createDirectories(dir.resolve("feeds"));
        Files.writeString(dir.resolve("feeds/kalshi.yaml"), feed);
        Path key = dir.resolve("kalshi.pem");
        Files.writeString(
                key,
                KalshiTestServer.pem(
                        "PRIVATE KEY", KalshiTestServer.KEYS.getPrivate().getEncoded()));
        Path envFile = Files.createDirectories(dir.resolve("environments")).resolve(env + ".yaml");
        Files.writeString(envFile, """
                name: %s
                feeds:
                  kalshi:
                    enabled: true
                    instruments: [%s]
                storage:
                  archive-root: %s
                """.formatted(env, String.join(", ", MARKETS), dir.resolve("archive")));
        return EnvironmentLoader.load(
                envFile,
                Map.of(
                        "KALSHI_API_KEY_ID",
                        "a952bcbe-ec3b-4b5b-b8f9-11dae589608c",
                        "KALSHI_PRIVATE_KEY_FILE",
                        key.toString()));
    }
}
