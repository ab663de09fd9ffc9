package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.shard.SubscribeRetry;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.shard.SecmasterRig;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kalshi feed with {@code discovery.max-instruments} run from the security master (PostgreSQL, the real relay, NATS,
 * the replay server as the venue) runs exactly the markets discovery would choose, and keeps doing so as markets
 * open and settle: a market created while the cap is full waits, and a place freed goes to the next one discovery
 * would take.
 */
class KalshiSecmasterCapTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kalshi-cap-replay");

    /** 60 markets in three series; the replay server lists them event by event, not in this order. */
    private static final List<String> UNIVERSE = KalshiDiscoveryShardTest.universe(60);

    private static final int CAP = 25;

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
    void theCapRunsTheMarketsDiscoveryWouldChooseAndAFreedPlaceGoesToTheNextOneNotToANewMarket() throws Exception {
        server = KalshiTestServer.start(
                SERVERS.system(), KalshiTestServer.settings(30, 5).withInstruments(UNIVERSE));
        String env = NatsServerExtension.freshName("kcap").toLowerCase();
        Environment environment = server.environment(dir, env, "discovery: {max-instruments: " + CAP + "}");
        EnabledFeed feed = environment.feed("kalshi").orElseThrow();
        List<String> chosen = discover(feed);
        assertThat(chosen).hasSize(CAP);
        // The listing's order is not the universe's: a cap that took the first markets by name would differ.
        assertThat(chosen).isNotEqualTo(UNIVERSE.subList(0, CAP));

        secmaster = SecmasterRig.open(POSTGRES.settings(), environment, "kalshi");
        assertThat(secmaster.sync().created()).isEqualTo(UNIVERSE.size());
        rig = secmaster.start(NATS.connect(), SERVERS, SubscribeRetry.defaults());
        waitUp().until(() -> !rig.instruments().isEmpty());
        assertThat(rig.instruments()).containsExactlyInAnyOrderElementsOf(chosen);

        // Five markets open while the cap is full: they wait (they were not wanted, so nothing is dropped).
        List<String> created = List.of(
                "KXBTCD-26DEC0617-T90000.99",
                "KXBTCD-26DEC0617-T90250.99",
                "KXBTCD-26DEC0617-T90500.99",
                "KXBTCD-26DEC0617-T90750.99",
                "KXBTCD-26DEC0617-T91000.99");
        server.lifecycle("created", created);
        server.lifecycle("activated", created);
        assertThat(secmaster.sync().created()).isEqualTo(created.size());
        // Then three running ones settle: their places go to the next markets by discovery's order, which are older
        // than the new ones. The relay publishes in id order, so the manager has seen the created markets first.
        List<String> settled = chosen.subList(0, 3);
        server.lifecycle("determined", settled);
        server.lifecycle("settled", settled);
        secmaster.sync();
        List<String> now = discover(feed);
        assertThat(now).doesNotContainAnyElementsOf(created).doesNotContainAnyElementsOf(settled);
        waitUp().until(() -> rig.instruments().stream().noneMatch(settled::contains));
        waitUp().until(() -> rig.instruments().size() == CAP);
        assertThat(rig.instruments()).containsExactlyInAnyOrderElementsOf(now);
        assertThat(rig.counter("ssmd_secmaster_markets_dropped")).isZero();
    }

    /** What discovery chooses now, against the same replay server. */
    private static List<String> discover(EnabledFeed feed) throws InterruptedException {
        return KalshiDiscovery.create(KalshiSettings.create(feed)).discover().tickers();
    }

    private static org.awaitility.core.ConditionFactory waitUp() {
        return await().atMost(WAIT.multipliedBy(2)).ignoreExceptions();
    }
}
