package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kalshi shard started from its assignment alone (DESIGN §15): no discovery, no lifecycle watcher and no category
 * map in its JVM (the connector's lookup knows nothing), only a {@link FeedShard.Start} carrying each market's
 * security-master attributes, sent as another node's manager would (the rig serializes every message). Its market
 * data goes on the category subjects, never {@code uncategorized}, also for a market added live.
 */
class KalshiAssignmentShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kalshi-assignment-replay");

    private static final List<String> CRYPTO =
            List.of("KXBTCD-26AUG2017-T60000.99", "KXBTCD-26AUG2017-T60250.99", "KXBTCD-26AUG2017-T60500.99");
    private static final List<String> WEATHER =
            List.of("KXHIGHNY-26AUG20-T1000", "KXHIGHNY-26AUG20-T1001", "KXHIGHNY-26AUG20-T1002");
    private static final String LATER = "KXHIGHNY-26AUG20-T1003";

    @TempDir
    Path dir;

    private KalshiTestServer server;
    private ShardRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
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
    void aShardStartedFromItsAssignmentPublishesCategorySubjectsNeverUncategorized() throws Exception {
        List<String> universe = new java.util.ArrayList<>(CRYPTO);
        universe.addAll(WEATHER);
        universe.add(LATER);
        server = KalshiTestServer.start(
                SERVERS.system(), KalshiTestServer.settings(40, 5).withInstruments(universe));
        String env = NatsServerExtension.freshName("ka").toLowerCase();
        Environment environment = server.environment(dir, env, "discovery: {max-instruments: 5000}");
        KalshiSettings settings =
                KalshiSettings.create(environment.feed("kalshi").orElseThrow());
        // The node's lookup is empty: a category can only come from the assignment.
        rig = ShardRig.start(NATS.connect(), environment, f -> KalshiFeed.create(settings, ticker -> null));

        Map<String, Map<String, String>> attributes = new HashMap<>();
        CRYPTO.forEach(t -> attributes.put(t, kalshi("Crypto", "KXBTCD", "KXBTCD-26AUG2017")));
        WEATHER.forEach(t -> attributes.put(t, kalshi("Climate and Weather", "KXHIGHNY", "KXHIGHNY-26AUG20")));
        List<String> first = new java.util.ArrayList<>(CRYPTO);
        first.addAll(WEATHER);
        var shard = FeedShard.ref(rig.system(), "kalshi-0");
        shard.tell(new FeedShard.Start("kalshi", 0, first, attributes));

        for (String ticker : first) {
            String category = CRYPTO.contains(ticker) ? "crypto" : "climate_and_weather";
            await().atMost(WAIT)
                    .until(() -> !rig.published(
                                    (env + ".kalshi." + category + ".json.orderbook." + Subjects.token(ticker))::equals)
                            .isEmpty());
        }

        // A market added live, as the manager adds one from a security-master event: its attributes come with it.
        List<String> more = new java.util.ArrayList<>(first);
        more.add(LATER);
        attributes.put(LATER, kalshi("Climate and Weather", "KXHIGHNY", "KXHIGHNY-26AUG20"));
        shard.tell(new FeedShard.Start("kalshi", 0, more, attributes));
        await().atMost(WAIT)
                .until(() -> !rig.published(
                                (env + ".kalshi.climate_and_weather.json.orderbook." + Subjects.token(LATER))::equals)
                        .isEmpty());

        assertThat(rig.published(s -> s.contains(".uncategorized."))).isEmpty();
        assertThat(rig.published(s -> s.contains(".json.unparsed."))).isEmpty();
        assertThat(rig.control(ControlEvent.CONNECTED, "kalshi-0"))
                .as("the market was added on the open connection")
                .hasSize(1);
    }

    private static Map<String, String> kalshi(String category, String series, String event) {
        return Map.of(FeedShard.Start.CATEGORY, category, FeedShard.Start.SERIES, series, FeedShard.Start.EVENT, event);
    }
}
