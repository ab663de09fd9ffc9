package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.shard.ReplayedShard.byEpoch;
import static io.ssmd.feeds.shard.ReplayedShard.once;
import static io.ssmd.feeds.shard.ReplayedShard.receivedAt;
import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.RenewSettings;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.polymarket.replay.PolymarketMarket;
import io.ssmd.feeds.polymarket.replay.PolymarketUniverse;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.shard.ReplayedShard;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AutoClose;
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

    @AutoClose("shutdownTestKit")
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

    @AutoClose
    private ReplayedShard shard;

    private ShardRig rig;

    private void start(int rate, RenewSettings renew) {
        shard = ReplayedShard.start(
                        SERVERS.system(),
                        NATS.connect(),
                        dir,
                        ReplaySettings.synthetic("polymarket", 0, rate, 5),
                        ASSETS.stream().map(a -> "\"" + a + "\"").toList(),
                        PolymarketFeed::create,
                        renew)
                .startShard();
        rig = shard.rig();
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

        FeedShard.Renewed renewed = shard.renew(WAIT);

        assertThat(renewed.ok()).as(renewed.detail()).isTrue();
        assertThat(renewed.shard()).isEqualTo(SHARD);
        assertThat(renewed.newEpoch()).isGreaterThan(renewed.oldEpoch());
        long oldEpoch = renewed.oldEpoch();
        long newEpoch = renewed.newEpoch();
        await().atMost(WAIT).until(() -> shard.countOfEpoch(newEpoch) > 200);
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
        Map<Long, List<ShardRig.Published>> byEpoch = byEpoch(once(shard.market()));
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
                once(shard.market()).stream().map(ReplayedShard::msgId).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }

    /** {@code {env}.polymarket.json.{type}.{condition}}. */
    private static String typeOf(ShardRig.Published p) {
        return p.subject().split("\\.")[3];
    }

    private static String conditionOf(ShardRig.Published p) {
        return p.subject().split("\\.")[4];
    }
}
