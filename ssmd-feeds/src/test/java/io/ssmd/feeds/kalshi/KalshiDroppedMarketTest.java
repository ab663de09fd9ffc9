package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.meta.MarketSubscriptions;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.SubscribeRetry;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.shard.SecmasterRig;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, dropped markets never silent: the Kalshi replay server refuses two of the feed's markets ({@code reject}
 * fault, Kalshi's "Market not found"); the feed manager, taking its markets from the security master, retries each
 * with backoff, counts it once in {@code ssmd_secmaster_markets_dropped_total} after its retries and keeps its state in
 * {@code market_subscriptions} (what {@code ssmd market show} and {@code /v1/markets/{feed}/{id}} show); once the fault
 * is lifted, the next retry subscribes them on the open connection and their state says so.
 */
class KalshiDroppedMarketTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kalshi-dropped-replay");

    /** Two retries 300 ms then 600 ms apart: the third refusal drops the market. */
    private static final SubscribeRetry RETRY =
            new SubscribeRetry(Duration.ofMillis(300), Duration.ofMillis(600), 2, Duration.ofSeconds(1));

    private static final List<String> MARKETS = KalshiDiscoveryShardTest.universe(40);

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
    void aRefusedMarketIsRetriedCountedOnceAsDroppedShownAndSubscribedWhenTheVenueTakesItAgain() throws Exception {
        server = KalshiTestServer.start(
                SERVERS.system(), KalshiTestServer.settings(30, 3).withInstruments(MARKETS));
        List<String> refused = List.of(MARKETS.get(3), MARKETS.get(17));
        server.post("/control/faults", "{\"reject\":[\"" + String.join("\",\"", refused) + "\"]}");
        String env = NatsServerExtension.freshName("kd").toLowerCase();
        Environment environment =
                server.environment(dir, env, "exclude-categories: [Economics]", "discovery: {max-instruments: 5000}");
        var feed = environment.feed("kalshi").orElseThrow();
        secmaster = SecmasterRig.open(POSTGRES.settings(), environment, "kalshi");
        assertThat(secmaster.sync().created()).isEqualTo(MARKETS.size());
        rig = secmaster.start(NATS.connect(), SERVERS, RETRY);
        MarketSubscriptions states = secmaster.master().subscriptions();

        // Refused three times (the first subscribe and two retries): dropped, counted once each, with the reason.
        waitUp().untilAsserted(() -> {
            for (String ticker : refused) {
                MarketSubscriptions.Subscription s =
                        states.find("kalshi", ticker).orElseThrow();
                assertThat(s.state()).as(ticker).isEqualTo(MarketSubscriptions.DROPPED);
                assertThat(s.attempts()).as(ticker).isGreaterThanOrEqualTo(3);
                assertThat(s.lastError()).as(ticker).contains("Market not found");
                assertThat(s.shard()).isEqualTo("kalshi-0");
            }
        });
        assertThat(rig.counter("ssmd_secmaster_markets_dropped")).isEqualTo(2.0);
        // Still refused at later retries: counted once per market, not once per retry.
        waitUp().untilAsserted(() -> assertThat(
                        states.find("kalshi", refused.get(0)).orElseThrow().attempts())
                .isGreaterThanOrEqualTo(5));
        assertThat(rig.counter("ssmd_secmaster_markets_dropped")).isEqualTo(2.0);
        // The venue took the others: each subscribed, none refused.
        waitUp().untilAsserted(() -> assertThat(states.list("kalshi").stream()
                        .filter(s -> s.state().equals(MarketSubscriptions.SUBSCRIBED))
                        .count())
                .isEqualTo(MARKETS.size() - refused.size()));

        // The fault lifted: the next retry subscribes them on the open connection.
        server.delete("/control/faults");
        waitUp().untilAsserted(() -> {
            for (String ticker : refused) {
                MarketSubscriptions.Subscription s =
                        states.find("kalshi", ticker).orElseThrow();
                assertThat(s.state()).as(ticker).isEqualTo(MarketSubscriptions.SUBSCRIBED);
                assertThat(s.attempts()).isZero();
            }
        });
        for (String ticker : refused) {
            String subject = env + ".kalshi.";
            waitUp().until(() -> !rig.published(
                            s -> s.startsWith(subject) && s.endsWith(".orderbook." + Subjects.token(ticker)))
                    .isEmpty());
        }
        assertThat(rig.health("kalshi-0").orElseThrow().instruments()).containsAll(refused);
        assertThat(rig.health("kalshi-0").orElseThrow().rejected()).isEmpty();
        assertThat(rig.control(ControlEvent.CONNECTED, "kalshi-0")).hasSize(1);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kalshi-0")).isEmpty();
        assertThat(rig.counter("ssmd_secmaster_markets_dropped")).isEqualTo(2.0);

        // One of them settles: it leaves its shard and its subscribe state is cleared.
        server.lifecycle("determined", refused.subList(0, 1));
        server.lifecycle("settled", refused.subList(0, 1));
        assertThat(secmaster.sync().updated()).isEqualTo(1);
        waitUp().until(() -> states.find("kalshi", refused.get(0)).isEmpty());
        assertThat(states.find("kalshi", refused.get(1))).isPresent();
        assertThat(states.list("kalshi")).hasSize(MARKETS.size() - 1);
    }

    private static org.awaitility.core.ConditionFactory waitUp() {
        return await().atMost(WAIT.multipliedBy(2)).ignoreExceptions();
    }
}
