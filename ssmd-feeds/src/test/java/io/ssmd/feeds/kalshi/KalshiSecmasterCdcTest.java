package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.shard.SubscribeRetry;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.shard.SecmasterRig;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's rollover, end to end with real parts: the Kalshi replay server as the venue (its REST answering 429 to
 * every third request), a sync into the security master in PostgreSQL, the real outbox relay publishing to NATS
 * JetStream, and the feed manager consuming those events to add and remove markets on its shards' open connections
 * (a cluster of one, every message serialized). 200 markets created are all subscribed, 50 settled are unsubscribed,
 * no shard reconnects, and {@code ssmd_secmaster_markets_dropped_total} stays 0.
 */
class KalshiSecmasterCdcTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kalshi-cdc-replay");

    /** Retries that wait 10 ms (a 429's Retry-After wins), no spacing, and settled markets of any age kept. */

    /** Markets listed before the manager starts: loaded from the security master's rows. */
    private static final List<String> BEFORE = KalshiDiscoveryShardTest.universe(40);

    @TempDir
    Path dir;

    private KalshiTestServer server;
    private ShardRig rig;
    private SecmasterRig secmaster;

    @AfterEach
    void stop() {
        if (secmaster != null) {
            secmaster.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void twoHundredMarketsCreatedInARolloverUnder429sAreAllSubscribedAndFiftySettledLeaveWithoutReconnects()
            throws Exception {
        server = KalshiTestServer.start(
                SERVERS.system(), KalshiTestServer.settings(30, 3).withInstruments(BEFORE));
        String env = NatsServerExtension.freshName("kc").toLowerCase();
        Environment environment =
                server.environment(dir, env, "exclude-categories: [Economics]", "discovery: {max-instruments: 5000}");
        var feed = environment.feed("kalshi").orElseThrow();
        secmaster = SecmasterRig.open(POSTGRES.settings(), environment, "kalshi");
        assertThat(secmaster.sync().created()).isEqualTo(BEFORE.size());
        rig = secmaster.start(NATS.connect(), SERVERS, SubscribeRetry.defaults());
        waitUp().until(() -> rig.streaming().stream()
                .map(ShardHealth::shard)
                .toList()
                .containsAll(Set.of("kalshi-0", "kalshi-lifecycle")));
        assertThat(rig.instruments()).containsExactlyInAnyOrderElementsOf(BEFORE);

        // The rollover: 200 markets open at once, in two categories, while REST refuses every third request.
        List<String> created = KalshiReplayServer.rolloverInstruments(200);
        server.post("/control/rest", "{\"throttle-every\":3,\"retry-after\":1}");
        server.lifecycle("created", created);
        server.lifecycle("activated", created);
        assertThat(secmaster.sync().created()).isEqualTo(200);
        assertThat(server.get("/control/rest")).doesNotContain("\"refused\":0");

        waitUp().until(() -> rig.instruments().containsAll(created));
        for (String ticker : created) {
            String category = ticker.startsWith("KXBTCD") ? "crypto" : "climate_and_weather";
            String subject = env + ".kalshi." + category + ".json.orderbook." + Subjects.token(ticker);
            waitUp().until(() -> !rig.published(subject::equals).isEmpty());
        }
        // 240 markets: kalshi-0 filled to 160 (200 × 0.8) on its open connection, kalshi-1 opened for the rest.
        assertThat(rig.health("kalshi-0").orElseThrow().instruments()).hasSize(160);
        assertThat(rig.health("kalshi-1").orElseThrow().instruments()).hasSize(80);

        // 50 of them settle: their markets leave the open connections.
        List<String> settled = created.subList(0, 50);
        server.lifecycle("determined", settled);
        server.lifecycle("settled", settled);
        SecurityMaster.SyncCounts counts = secmaster.sync();
        assertThat(counts.updated()).isEqualTo(50);
        waitUp().until(() -> rig.instruments().stream().noneMatch(settled::contains));
        assertThat(rig.instruments()).hasSize(BEFORE.size() + 150);

        for (String shard : List.of("kalshi-0", "kalshi-1")) {
            assertThat(rig.control(ControlEvent.CONNECTED, shard)).as(shard).hasSize(1);
            assertThat(rig.control(ControlEvent.DISCONNECTED, shard)).as(shard).isEmpty();
        }
        assertThat(rig.published(s -> s.contains(".uncategorized."))).isEmpty();
        assertThat(rig.counter("ssmd_secmaster_markets_dropped")).isZero();
    }

    private static org.awaitility.core.ConditionFactory waitUp() {
        return await().atMost(WAIT.multipliedBy(2)).ignoreExceptions();
    }
}
