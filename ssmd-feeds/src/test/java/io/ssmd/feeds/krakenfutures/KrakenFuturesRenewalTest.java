package io.ssmd.feeds.krakenfutures;

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
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.shard.ReplayedShard;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kraken Futures shard renews its connection inside its entity (DESIGN §17) against the Kraken Futures replay server
 * and a real nats-server, under load: the new connection's probe (a heartbeat subscribe, whose answer is byte for byte
 * the subscription's) is recognized only after every subscribe was answered, it takes over once it holds every book's
 * {@code book_snapshot}, with one {@code handover} and no {@code disconnected}; each message once, and each
 * connection's books continuous in {@code seq} from their own snapshots.
 */
class KrakenFuturesRenewalTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @AutoClose("shutdownTestKit")
    private static final ActorTestKit SERVERS = ActorTestKit.create("kraken-futures-renewal-replay");

    private static final List<String> PRODUCTS = List.of("PF_XBTUSD", "PF_ETHUSD");
    private static final String SHARD = "kraken-futures-0";
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

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
                        ReplaySettings.synthetic("kraken-futures", 0, rate, 17),
                        PRODUCTS,
                        KrakenFuturesFeed::create,
                        renew)
                .startShard();
        rig = shard.rig();
    }

    @Test
    void aRenewedShardSwitchesToItsNewConnectionWithoutAHoleOrADuplicate() {
        start(200, new RenewSettings(Duration.ofSeconds(10), 200_000));
        await().atMost(WAIT)
                .until(() -> PRODUCTS.stream()
                        .allMatch(p -> rig.published(s -> s.endsWith(".orderbook." + p))
                                        .size()
                                > 20));

        FeedShard.Renewed renewed = shard.renew(WAIT);

        assertThat(renewed.ok()).as(renewed.detail()).isTrue();
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
        assertThat(handover.instruments()).containsExactlyInAnyOrderElementsOf(PRODUCTS);
        assertThat(rig.control(ControlEvent.DISCONNECTED, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.CONNECTED, SHARD)).hasSize(1);
        assertThat(rig.control(ControlEvent.RESYNC, SHARD)).isEmpty();
        assertThat(rig.health(SHARD).map(ShardHealth::state)).contains(ShardHealth.STREAMING);

        long switchAt = handover.ts();
        Map<Long, List<ShardRig.Published>> byEpoch = byEpoch(once(shard.market()));
        assertThat(byEpoch.keySet()).containsExactlyInAnyOrder(oldEpoch, newEpoch);
        assertThat(byEpoch.get(oldEpoch))
                .allSatisfy(p -> assertThat(receivedAt(p)).isLessThan(switchAt));
        assertThat(byEpoch.get(oldEpoch).stream().filter(p -> p.subject().contains(".trade.")))
                .isNotEmpty();
        // Before the switch the new connection published only its books, each from its book_snapshot on.
        assertThat(byEpoch.get(newEpoch).stream().filter(p -> receivedAt(p) < switchAt))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.subject()).contains(".json.orderbook."));
        // Each connection's books, as a client follows them: a book_snapshot first, then every delta's seq one more.
        for (long epoch : List.of(oldEpoch, newEpoch)) {
            Map<String, Long> seqs = new HashMap<>();
            int deltas = 0;
            for (ShardRig.Published p : byEpoch.get(epoch)) {
                if (!p.subject().contains(".json.orderbook.")) {
                    continue;
                }
                String product = p.subject().substring(p.subject().lastIndexOf('.') + 1);
                String text = new String(p.data(), StandardCharsets.UTF_8);
                Matcher seq = SEQ.matcher(text);
                assertThat(seq.find()).as(text).isTrue();
                long value = Long.parseLong(seq.group(1));
                if (text.contains("\"feed\":\"book_snapshot\"")) {
                    seqs.put(product, value);
                    continue;
                }
                assertThat(seqs)
                        .as("epoch %d: a delta of %s before its snapshot", epoch, product)
                        .containsKey(product);
                assertThat(value).as("epoch %d %s", epoch, product).isEqualTo(seqs.get(product) + 1);
                seqs.put(product, value);
                deltas++;
            }
            assertThat(seqs.keySet()).as("epoch %d", epoch).containsExactlyInAnyOrderElementsOf(PRODUCTS);
            assertThat(deltas).as("epoch %d", epoch).isPositive();
        }
        List<String> ids =
                once(shard.market()).stream().map(ReplayedShard::msgId).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }
}
