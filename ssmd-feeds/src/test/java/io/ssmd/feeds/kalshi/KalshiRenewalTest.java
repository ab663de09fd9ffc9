package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ReplayedShard.epochOf;
import static io.ssmd.feeds.shard.ReplayedShard.receivedAt;
import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.shard.ReplayedShard;
import io.ssmd.feeds.shard.ShardRig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming Kalshi shard renews its connection inside its entity (DESIGN §17) against the replay server (signed
 * handshakes) and a real nats-server: one {@code handover}, no {@code disconnected}; the old connection's book
 * messages, up to the switch, and the new one's, from its own snapshots on, each continue their sid's {@code seq} one
 * by one, none twice, so no delta is applied twice and none is missing; the lifecycle companion, which has no books,
 * renews once subscribed.
 */
class KalshiRenewalTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kalshi-renewal-replay");
    private static final List<String> MARKETS = KalshiReplayServer.defaultInstruments();
    private static final String SHARD = "kalshi-0";
    private static final String LIFECYCLE = "kalshi-lifecycle";

    @TempDir
    Path dir;

    private KalshiTestServer server;
    private ShardRig rig;
    private ReplayedShard shard;

    @BeforeEach
    void start() throws Exception {
        server = KalshiTestServer.synthetic(SERVERS.system(), 200, 13);
        Environment environment = environment(NatsServerExtension.freshName("k").toLowerCase());
        EnabledFeed feed = environment.feed("kalshi").orElseThrow();
        KalshiSettings settings = KalshiSettings.create(feed).withPaging(Duration.ZERO, 100, 3, Duration.ZERO);
        KalshiUniverse universe = KalshiDiscovery.create(
                        settings, HttpClient.newHttpClient(), d -> {}, new SplittableRandom(1))
                .discover();
        rig = ShardRig.start(NATS.connect(), environment, f -> KalshiFeed.create(f, universe.categoryByTicker()));
        shard = ReplayedShard.around(rig, SHARD);
        rig.startShards(0.8);
        // The lifecycle connection, as the feed manager runs it.
        FeedShard.ref(rig.system(), LIFECYCLE).tell(FeedShard.Start.companion("kalshi", "lifecycle"));
        await().atMost(WAIT).until(() -> orderbook().size() > 100);
        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.CONNECTED, LIFECYCLE).isEmpty());
    }

    @AfterEach
    void stop() throws Exception {
        shard.close();
        server.close();
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    /** The shard's messages, each once (the tap sees every publish attempt). */
    private List<ShardRig.Published> ofShard() {
        Set<String> seen = new HashSet<>();
        List<ShardRig.Published> kept = new ArrayList<>();
        for (ShardRig.Published p : rig.published(s -> s.contains(".json."))) {
            String id = p.headers() == null ? null : p.headers().getFirst(PublishHeaders.MSG_ID);
            if (id != null && id.startsWith(SHARD + ":") && seen.add(id)) {
                kept.add(p);
            }
        }
        return kept;
    }

    private List<ShardRig.Published> orderbook() {
        return ofShard().stream()
                .filter(p -> p.subject().contains(".json.orderbook."))
                .toList();
    }

    @Test
    void aRenewedShardSwitchesWithItsSeqsContinuousOnEachConnectionAndNoDeltaTwice() {
        FeedShard.Renewed renewed = shard.renew(WAIT);

        assertThat(renewed.ok()).as(renewed.detail()).isTrue();
        long oldEpoch = renewed.oldEpoch();
        long newEpoch = renewed.newEpoch();
        assertThat(newEpoch).isGreaterThan(oldEpoch);
        await().atMost(WAIT)
                .until(() ->
                        orderbook().stream().filter(p -> epochOf(p) == newEpoch).count() > 100);
        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.HANDOVER, SHARD).isEmpty());
        List<ControlEvent> handovers = rig.control(ControlEvent.HANDOVER, SHARD);
        assertThat(handovers).hasSize(1);
        assertThat(handovers.get(0).previousEpoch()).isEqualTo(oldEpoch);
        assertThat(handovers.get(0).epoch()).isEqualTo(newEpoch);
        long switchAt = handovers.get(0).ts();
        assertThat(rig.control(ControlEvent.DISCONNECTED, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.RESYNC, SHARD)).isEmpty();

        List<ShardRig.Published> all = ofShard();
        assertThat(all).allSatisfy(p -> assertThat(epochOf(p)).isIn(oldEpoch, newEpoch));
        // The old connection: everything it published was received before the switch.
        assertThat(all.stream().filter(p -> epochOf(p) == oldEpoch))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(receivedAt(p)).isLessThan(switchAt));
        // The new connection before the switch: only book messages, each market's first its snapshot.
        Set<String> snapshotted = new HashSet<>();
        for (ShardRig.Published p : all) {
            if (epochOf(p) != newEpoch) {
                continue;
            }
            if (receivedAt(p) < switchAt) {
                assertThat(p.subject()).contains(".json.orderbook.");
            }
            if (p.subject().contains(".json.orderbook.")) {
                JsonNode frame = json(p);
                String market = frame.path("msg").path("market_ticker").asText();
                if (frame.path("type").asText().equals("orderbook_snapshot")) {
                    snapshotted.add(market);
                }
                assertThat(snapshotted)
                        .as("the new connection's book of %s starts from its own snapshot", market)
                        .contains(market);
            }
        }
        assertThat(snapshotted).isNotEmpty();
        // Each connection's book sid: seq 1, 2, 3... as published, none missing, none twice.
        for (long epoch : List.of(oldEpoch, newEpoch)) {
            Map<Long, Long> lastSeqBySid = new HashMap<>();
            for (ShardRig.Published p : orderbook()) {
                if (epochOf(p) != epoch) {
                    continue;
                }
                JsonNode frame = json(p);
                long sid = frame.path("sid").asLong();
                long seq = frame.path("seq").asLong();
                Long last = lastSeqBySid.put(sid, seq);
                assertThat(seq)
                        .as("epoch %d sid %d seq after %s", epoch, sid, last)
                        .isEqualTo(last == null ? 1 : last + 1);
            }
            assertThat(lastSeqBySid).as("epoch %d", epoch).isNotEmpty();
        }
        // The lifecycle companion has no books: it renews once its subscribe is answered.
        FeedShard.Renewed lifecycle = shard.renew(LIFECYCLE, WAIT);
        assertThat(lifecycle.ok()).as(lifecycle.detail()).isTrue();
        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.HANDOVER, LIFECYCLE).isEmpty());
        assertThat(rig.control(ControlEvent.HANDOVER, LIFECYCLE)).hasSize(1);
        assertThat(rig.control(ControlEvent.DISCONNECTED, LIFECYCLE)).isEmpty();
    }

    @Test
    void aRenewalWhileAnotherIsUnderWayIsRefused() {
        TestProbe<FeedShard.Renewed> first = TestProbe.create(rig.system());
        TestProbe<FeedShard.Renewed> second = TestProbe.create(rig.system());
        FeedShard.ref(rig.system(), SHARD).tell(new FeedShard.Renew(first.ref()));
        FeedShard.ref(rig.system(), SHARD).tell(new FeedShard.Renew(second.ref()));

        FeedShard.Renewed refused = second.expectMessageClass(FeedShard.Renewed.class, WAIT);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.detail()).contains("already renewing");
        assertThat(first.expectMessageClass(FeedShard.Renewed.class, WAIT).ok()).isTrue();
        // The control event goes out asynchronously: one handover, whenever the tap sees it.
        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.HANDOVER, SHARD).isEmpty());
        assertThat(rig.control(ControlEvent.HANDOVER, SHARD)).hasSize(1);
    }

    private static JsonNode json(ShardRig.Published p) {
        try {
            return KalshiTestServer.JSON.readTree(p.data());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shipped kalshi.yaml pointed at the replay server, four markets a shard, credentials from "the environment". */
    private Environment environment(String env) throws Exception {
        Path shipped = Path.of(System.getProperty("ssmd.project.dir", "..")).resolve("exchanges/feeds/kalshi.yaml");
        String feed = Files.readString(shipped)
                .replaceAll("(?m)^(\\s+websocket:\\s*)\\S+", "$1" + server.websocketUri())
                .replaceAll("(?m)^(\\s+rest:\\s*)\\S+", "$1" + server.http("/trade-api/v2"))
                .replace("max-instruments-per-connection: 200", "max-instruments-per-connection: 5")
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
