package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.RenewSettings;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.shard.ShardRuntime;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.polymarket.replay.PolymarketMarket;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.polymarket.replay.PolymarketUniverse;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.shard.ShardRig;
import io.ssmd.feeds.shard.TestFeeds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Polymarket shard renews its connection inside its entity (DESIGN §17) against the Polymarket replay server and a
 * real nats-server, as {@code KrakenRenewalTest} does for Kraken spot. Polymarket's book messages go on the venue's
 * own types ({@code book}, {@code price_change}), not {@code orderbook}, and on the market's condition id rather than
 * the asset: the new connection must still recognize its snapshots, hold them and take over, with a {@code handover}
 * and no {@code disconnected}, each message once and each connection's books valid.
 */
class PolymarketRenewalTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("polymarket-renewal-replay");
    /** Two markets, both outcomes of each: four assets in one shard, two book subjects. */
    private static final List<PolymarketMarket> MARKETS =
            PolymarketUniverse.defaults().markets().subList(0, 2);

    private static final List<String> ASSETS = MARKETS.stream()
            .flatMap(m -> java.util.stream.Stream.of(m.yesToken(), m.noToken()))
            .toList();
    private static final String SHARD = "polymarket-0";

    @TempDir
    Path dir;

    private ServerBinding binding;
    private ShardRig rig;

    @AfterEach
    void stop() throws Exception {
        if (rig != null) {
            rig.close();
            // Each case's stream reserves its max-bytes on the class's one nats-server: free it for the next case.
            var streams = NATS.connect().jetStreamManagement();
            for (String stream : streams.getStreamNames()) {
                streams.deleteStream(stream);
            }
        }
        if (binding != null) {
            binding.unbind().toCompletableFuture().join();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    private void start(int rate, RenewSettings renew) {
        ReplaySettings settings = ReplaySettings.synthetic("polymarket", 0, rate, 5);
        ReplayServer server =
                ReplayServer.create(SERVERS.system(), PolymarketReplayServer.create(settings), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
        Environment environment = TestFeeds.environment(
                dir,
                NatsServerExtension.freshName("p").toLowerCase(),
                "polymarket",
                "ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws/market",
                ASSETS.stream().map(a -> "\"" + a + "\"").toList(),
                Map.of("min-backoff: 1s", "min-backoff: 100ms", "max-backoff: 60s", "max-backoff: 1s"));
        rig = ShardRig.start(
                NATS.connect(),
                environment,
                PolymarketFeed::create,
                ShardRuntime.DEFAULT_BOOK_SNAPSHOT_INTERVAL,
                renew);
        assertThat(rig.startShards(1.0)).hasSize(1);
    }

    private FeedShard.Renewed renew(Duration within) {
        TestProbe<FeedShard.Renewed> probe = TestProbe.create(rig.system());
        FeedShard.ref(rig.system(), SHARD).tell(new FeedShard.Renew(probe.ref()));
        return probe.expectMessageClass(FeedShard.Renewed.class, within);
    }

    private List<ShardRig.Published> market() {
        return rig.published(s -> s.contains(".polymarket.json."));
    }

    @Test
    void aRenewedShardSwitchesToItsNewConnectionWithoutAHoleOrADuplicate() {
        // A short timeout: before the fix the new connection waited all of it for "book snapshots of 4 of 4".
        start(200, new RenewSettings(Duration.ofSeconds(10), 200_000));
        await().atMost(WAIT)
                .until(() -> MARKETS.stream()
                        .allMatch(m -> rig.published(s -> s.endsWith(".price_change." + m.conditionId()))
                                        .size()
                                > 20));

        FeedShard.Renewed renewed = renew(WAIT);

        assertThat(renewed.ok()).as(renewed.detail()).isTrue();
        assertThat(renewed.shard()).isEqualTo(SHARD);
        assertThat(renewed.newEpoch()).isGreaterThan(renewed.oldEpoch());
        long oldEpoch = renewed.oldEpoch();
        long newEpoch = renewed.newEpoch();
        await().atMost(WAIT).until(() -> countOfEpoch(newEpoch) > 200);
        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.HANDOVER, SHARD).isEmpty());
        assertThat(rig.control(ControlEvent.HANDOVER, SHARD)).hasSize(1);
        ControlEvent handover = rig.control(ControlEvent.HANDOVER, SHARD).get(0);
        assertThat(handover.previousEpoch()).isEqualTo(oldEpoch);
        assertThat(handover.epoch()).isEqualTo(newEpoch);
        assertThat(handover.instruments()).containsExactlyInAnyOrderElementsOf(ASSETS);
        assertThat(rig.control(ControlEvent.DISCONNECTED, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.CONNECTED, SHARD)).hasSize(1);
        assertThat(rig.control(ControlEvent.RESYNC, SHARD)).isEmpty();
        assertThat(rig.health(SHARD).map(ShardHealth::state)).contains(ShardHealth.STREAMING);

        long switchAt = handover.ts();
        Map<Long, List<ShardRig.Published>> byEpoch = byEpoch(once(market()));
        assertThat(byEpoch.keySet()).containsExactlyInAnyOrder(oldEpoch, newEpoch);
        assertThat(byEpoch.get(oldEpoch))
                .allSatisfy(p -> assertThat(receivedAt(p)).isLessThan(switchAt));
        // Before the switch the new connection published only its books, each market's from its snapshot on.
        List<ShardRig.Published> before = byEpoch.get(newEpoch).stream()
                .filter(p -> receivedAt(p) < switchAt)
                .toList();
        Set<String> snapshotted = new HashSet<>();
        for (ShardRig.Published p : before) {
            String type = typeOf(p);
            assertThat(type).as(p.subject()).isIn("book", "price_change");
            if (type.equals("book")) {
                snapshotted.add(conditionOf(p));
            }
            assertThat(snapshotted)
                    .as("a held book message of %s after its snapshot", conditionOf(p))
                    .contains(conditionOf(p));
        }
        assertThat(snapshotted)
                .containsExactlyInAnyOrderElementsOf(
                        MARKETS.stream().map(PolymarketMarket::conditionId).toList());
        // Each connection's books, as a client rebuilds them from its own messages: every change agrees with them.
        for (long epoch : List.of(oldEpoch, newEpoch)) {
            PolymarketBookCheck check = new PolymarketBookCheck();
            byEpoch.get(epoch).stream()
                    .filter(p -> typeOf(p).equals("book") || typeOf(p).equals("price_change"))
                    .forEach(p -> check.accept(new String(p.data(), StandardCharsets.UTF_8)));
            assertThat(check.problems()).as("epoch %d", epoch).isEmpty();
            assertThat(check.entriesChecked()).as("epoch %d", epoch).isPositive();
        }
        List<String> ids =
                once(market()).stream().map(PolymarketRenewalTest::msgId).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }

    private int countOfEpoch(long epoch) {
        return (int) once(market()).stream().filter(p -> epochOf(p) == epoch).count();
    }

    private static List<ShardRig.Published> once(List<ShardRig.Published> published) {
        Set<String> seen = new HashSet<>();
        List<ShardRig.Published> kept = new ArrayList<>();
        for (ShardRig.Published p : published) {
            if (seen.add(msgId(p))) {
                kept.add(p);
            }
        }
        return kept;
    }

    private static Map<Long, List<ShardRig.Published>> byEpoch(List<ShardRig.Published> published) {
        Map<Long, List<ShardRig.Published>> by = new LinkedHashMap<>();
        published.forEach(
                p -> by.computeIfAbsent(epochOf(p), e -> new ArrayList<>()).add(p));
        return by;
    }

    private static String msgId(ShardRig.Published p) {
        return p.headers().getFirst(PublishHeaders.MSG_ID);
    }

    private static long epochOf(ShardRig.Published p) {
        return Long.parseLong(msgId(p).split(":")[1]);
    }

    private static long receivedAt(ShardRig.Published p) {
        return Long.parseLong(p.headers().getFirst(PublishHeaders.RECEIVED_AT));
    }

    /** {@code {env}.polymarket.json.{type}.{condition}}. */
    private static String typeOf(ShardRig.Published p) {
        return p.subject().split("\\.")[3];
    }

    private static String conditionOf(ShardRig.Published p) {
        return p.subject().split("\\.")[4];
    }
}
