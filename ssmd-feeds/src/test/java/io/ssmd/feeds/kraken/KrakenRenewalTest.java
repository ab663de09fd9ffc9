package io.ssmd.feeds.kraken;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * A Kraken spot shard renews its connection inside its entity (DESIGN §17) against the replay server and a real
 * nats-server: a second connection subscribes, takes over once it holds every book's snapshot, and the old one closes,
 * with a {@code handover} and no {@code disconnected}; each connection's messages are published exactly once, the
 * old one's up to the switch and the new one's from its snapshots on, their checksums valid and their trade ids
 * continuous. A new connection the venue refuses (its connection limit) leaves the old one publishing.
 */
class KrakenRenewalTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @AutoClose("shutdownTestKit")
    private static final ActorTestKit SERVERS = ActorTestKit.create("kraken-renewal-replay");

    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "SOL/USD");
    private static final String SHARD = "kraken-0";

    @TempDir
    Path dir;

    @AutoClose
    private ReplayedShard shard;

    private ShardRig rig;

    /** One shard of the three symbols against a replay server sending {@code rate} frames/s per session. */
    private void start(int rate, Integer maxConnections) {
        start(rate, maxConnections, RenewSettings.defaults());
    }

    private void start(int rate, Integer maxConnections, RenewSettings renew) {
        ReplaySettings settings = ReplaySettings.synthetic("kraken", 0, rate, 23);
        if (maxConnections != null) {
            settings = settings.withMaxConnections(maxConnections);
        }
        shard = ReplayedShard.start(SERVERS.system(), NATS.connect(), dir, settings, SYMBOLS, KrakenFeed::create, renew)
                .startShard();
        rig = shard.rig();
    }

    @Test
    void aRenewedShardSwitchesToItsNewConnectionWithoutAHoleOrADuplicate() {
        start(200, null);
        await().atMost(WAIT)
                .until(() -> SYMBOLS.stream()
                        .allMatch(s -> rig.published(subject -> subject.endsWith(".orderbook." + s.replace('/', '-')))
                                        .size()
                                > 20));

        FeedShard.Renewed renewed = shard.renew(WAIT);

        assertThat(renewed.ok()).as(renewed.detail()).isTrue();
        assertThat(renewed.shard()).isEqualTo(SHARD);
        assertThat(renewed.newEpoch()).isGreaterThan(renewed.oldEpoch());
        long oldEpoch = renewed.oldEpoch();
        long newEpoch = renewed.newEpoch();
        // The new connection keeps publishing after the switch.
        await().atMost(WAIT).until(() -> shard.countOfEpoch(newEpoch) > 200);
        await().atMost(WAIT)
                .until(() -> !rig.control(ControlEvent.HANDOVER, SHARD).isEmpty());
        ControlEvent handover = rig.control(ControlEvent.HANDOVER, SHARD).get(0);
        assertThat(rig.control(ControlEvent.HANDOVER, SHARD)).hasSize(1);
        assertThat(handover.previousEpoch()).isEqualTo(oldEpoch);
        assertThat(handover.epoch()).isEqualTo(newEpoch);
        assertThat(handover.instruments()).containsExactlyInAnyOrderElementsOf(SYMBOLS);
        // No outage: no disconnected, no second connected, no resync.
        assertThat(rig.control(ControlEvent.DISCONNECTED, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.CONNECTED, SHARD)).hasSize(1);
        assertThat(rig.control(ControlEvent.RESYNC, SHARD)).isEmpty();
        assertThat(rig.health(SHARD).map(ShardHealth::state)).contains(ShardHealth.STREAMING);

        long switchAt = handover.ts();
        Map<Long, List<ShardRig.Published>> byEpoch = byEpoch(once(shard.market()));
        assertThat(byEpoch.keySet()).containsExactlyInAnyOrder(oldEpoch, newEpoch);
        // The old connection published what it received before the switch, and nothing after it.
        assertThat(byEpoch.get(oldEpoch))
                .allSatisfy(p -> assertThat(receivedAt(p)).isLessThan(switchAt));
        assertThat(byEpoch.get(oldEpoch).stream().filter(p -> p.subject().contains(".trade.")))
                .isNotEmpty();
        // The new one: from the switch on, and before it only its books from their snapshots.
        List<ShardRig.Published> before = byEpoch.get(newEpoch).stream()
                .filter(p -> receivedAt(p) < switchAt)
                .toList();
        assertThat(before).allSatisfy(p -> assertThat(p.subject()).contains(".json.orderbook."));
        Set<String> snapshotted = new HashSet<>();
        for (ShardRig.Published p : before) {
            String symbol = symbolOf(p);
            if (new String(p.data()).contains("\"type\":\"snapshot\"")) {
                snapshotted.add(symbol);
            }
            assertThat(snapshotted)
                    .as("a held book message of %s after its snapshot", symbol)
                    .contains(symbol);
        }
        assertThat(snapshotted).containsExactlyInAnyOrderElementsOf(SYMBOLS);
        // Each connection's stream, as a client follows it: checksums hold, trade ids continue one by one, tickers
        // agree with the books and trades; the new connection's books start from its own snapshots.
        for (long epoch : List.of(oldEpoch, newEpoch)) {
            StreamChecker checker = new StreamChecker();
            SYMBOLS.forEach(s -> checker.book(s, 10));
            byEpoch.get(epoch).forEach(p -> checker.accept(new String(p.data())));
            assertThat(checker.checksumMismatches).as("epoch %d", epoch).isZero();
            assertThat(checker.trades).as("epoch %d", epoch).isPositive();
            assertThat(checker.bookUpdates).as("epoch %d", epoch).isPositive();
        }
        // Nothing twice: every message id once in the stream (the tap saw each attempt).
        List<String> ids =
                once(shard.market()).stream().map(ReplayedShard::msgId).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void aRenewalWhoseNewConnectionTheVenueRefusesFailsAndTheOldOneKeepsPublishing() {
        start(100, 1);
        await().atMost(WAIT).until(() -> shard.market().size() > 50);
        long epoch = rig.control(ControlEvent.CONNECTED, SHARD).get(0).epoch();

        FeedShard.Renewed renewed = shard.renew(WAIT);

        assertThat(renewed.ok()).isFalse();
        assertThat(renewed.oldEpoch()).isEqualTo(epoch);
        assertThat(renewed.detail()).contains("429").contains("limits.max-connections");
        assertThat(shard.server().refusedConnections()).isEqualTo(1);
        int published = shard.countOfEpoch(epoch);
        await().atMost(WAIT).until(() -> shard.countOfEpoch(epoch) > published + 50);
        assertThat(rig.control(ControlEvent.HANDOVER, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.CONNECTED, SHARD)).hasSize(1);
        assertThat(byEpoch(once(shard.market())).keySet()).containsExactly(epoch);
        // Refused once, not retried in a storm.
        assertThat(shard.server().refusedConnections()).isEqualTo(1);
        // The shard can renew later: a second renewal is refused the same way, not "already renewing".
        assertThat(shard.renew(WAIT).detail()).contains("429");
    }

    @Test
    void aRenewalWhoseNewConnectionIsRefusedAnInstrumentFailsRatherThanDropIt() {
        start(100, null);
        await().atMost(WAIT).until(() -> orderbook("ETH-USD") > 20);
        shard.server().faults().reject(List.of("ETH/USD"));

        FeedShard.Renewed renewed = shard.renew(WAIT);

        assertThat(renewed.ok()).isFalse();
        assertThat(renewed.detail()).contains("refused ETH/USD on the new connection");
        // The old connection still streams ETH/USD, under its epoch alone.
        int before = orderbook("ETH-USD");
        await().atMost(WAIT).until(() -> orderbook("ETH-USD") > before + 20);
        assertThat(byEpoch(once(shard.market())).keySet()).containsExactly(renewed.oldEpoch());
        assertThat(rig.control(ControlEvent.HANDOVER, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, SHARD)).isEmpty();
    }

    private int orderbook(String token) {
        return rig.published(s -> s.endsWith(".orderbook." + token)).size();
    }

    @Test
    void aNewConnectionThatDoesNotTakeOverWithinTheTimeoutFailsTheRenewalAndTheOldOneGoesOn() {
        start(100, null, new RenewSettings(Duration.ofSeconds(3), 200_000));
        await().atMost(WAIT).until(() -> shard.market().size() > 50);
        // The venue no longer answers pings: the new connection's probe, sent after its subscribes, stays unanswered.
        shard.server().faults().ignorePings(true);

        FeedShard.Renewed renewed = shard.renew(WAIT);

        assertThat(renewed.ok()).isFalse();
        assertThat(renewed.detail())
                .contains("did not take over within 3 s")
                .contains("ssmd.connectors.renew.timeout")
                .contains("the venue's answer to the probe");
        assertThat(renewed.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        int published = shard.countOfEpoch(renewed.oldEpoch());
        await().atMost(WAIT).until(() -> shard.countOfEpoch(renewed.oldEpoch()) > published + 50);
        assertThat(byEpoch(once(shard.market())).keySet()).containsExactly(renewed.oldEpoch());
        assertThat(rig.control(ControlEvent.HANDOVER, SHARD)).isEmpty();
        assertThat(rig.control(ControlEvent.DISCONNECTED, SHARD)).isEmpty();
    }

    @Test
    void aRenewalOfAShardThatIsNotConnectedFailsAtOnce() {
        // Nothing listens there: the shard never connects.
        shard = ReplayedShard.at(
                        NATS.connect(),
                        dir,
                        "kraken",
                        "ws://127.0.0.1:9/v2",
                        SYMBOLS,
                        KrakenFeed::create,
                        RenewSettings.defaults())
                .startShard();
        rig = shard.rig();
        await().atMost(WAIT).until(() -> rig.health(SHARD).isPresent());

        FeedShard.Renewed renewed = shard.renew(WAIT);

        assertThat(renewed.ok()).isFalse();
        assertThat(renewed.detail()).contains("not connected");
        assertThat(renewed.newEpoch()).isZero();
        assertThat(rig.control(ControlEvent.HANDOVER, SHARD)).isEmpty();
    }

    private static final Map<String, String> SYMBOL_BY_TOKEN = new HashMap<>();

    static {
        SYMBOLS.forEach(s -> SYMBOL_BY_TOKEN.put(s.replace('/', '-'), s));
    }

    private static String symbolOf(ShardRig.Published p) {
        return SYMBOL_BY_TOKEN.get(p.subject().substring(p.subject().lastIndexOf('.') + 1));
    }
}
