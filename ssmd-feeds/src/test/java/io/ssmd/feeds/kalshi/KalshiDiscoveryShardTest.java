package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.WiredFeed;
import io.ssmd.feeds.shard.ShardRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kalshi run as the default environment runs it, through {@link Venues#wire}: 2,000 markets in three categories
 * discovered from the replay server's events, packed by the feed manager into shards of 160 (200 × 0.8), the
 * lifecycle companion shard, and the lifecycle watcher adding and removing markets on open connections.
 */
class KalshiDiscoveryShardTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit SERVERS = ActorTestKit.create("kalshi-discovery-replay");
    /** 667 crypto, 667 gold (financials) and 666 weather strikes: three events of one category each. */
    static final List<String> UNIVERSE = universe(2000);

    @TempDir
    Path dir;

    private KalshiTestServer server;
    private ShardRig rig;
    private String env;

    static List<String> universe(int n) {
        List<String> tickers = new ArrayList<>(n);
        for (int k = 0; tickers.size() < n; k++) {
            tickers.add("KXBTCD-26AUG2017-T" + (60_000 + 250 * k) + ".99");
            if (tickers.size() < n) {
                tickers.add("KXGOLDH-26AUG2711-T" + (4_000 + 2 * k) + ".99");
            }
            if (tickers.size() < n) {
                tickers.add("KXHIGHNY-26AUG20-T" + (1_000 + k));
            }
        }
        return List.copyOf(tickers);
    }

    @BeforeEach
    void start() throws Exception {
        server = KalshiTestServer.start(
                SERVERS.system(), KalshiTestServer.settings(30, 3).withInstruments(UNIVERSE));
        env = NatsServerExtension.freshName("kd").toLowerCase();
        Environment environment =
                server.environment(dir, env, "exclude-categories: [Economics]", "discovery: {max-instruments: 5000}");
        WiredFeed wired = Venues.wire(environment.feed("kalshi").orElseThrow());
        rig = ShardRig.start(NATS.connect(), environment, f -> wired.feed().connector());
        ActorRef<FeedManager.Command> manager =
                rig.startManager(wired.feed().discovery(), java.time.Duration.ofHours(1));
        wired.live().orElseThrow().start(rig.system(), env, rig.nats(), manager);
        waitUp().until(() -> rig.streaming().size() == 14);
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

    @Test
    void twoThousandMarketsInThreeCategoriesRunInShardsOfAtMost200EachOnExactlyOne() {
        List<ShardHealth> shards = marketShards();
        assertThat(shards)
                .hasSize(13)
                .allSatisfy(h -> assertThat(h.instruments()).hasSizeLessThanOrEqualTo(200));
        assertThat(shards).extracting(h -> h.instruments().size()).containsOnly(160, 80);
        assertThat(shards).flatExtracting(ShardHealth::instruments).containsExactlyInAnyOrderElementsOf(UNIVERSE);
        assertThat(rig.health("kalshi-lifecycle"))
                .hasValueSatisfying(h -> assertThat(h.instruments()).isEmpty());

        for (String category : List.of("crypto", "financials", "climate_and_weather")) {
            waitUp().until(() -> !rig.published(s -> s.startsWith(env + ".kalshi." + category + ".json.orderbook."))
                    .isEmpty());
        }
        assertThat(rig.published(s -> s.contains(".uncategorized.json.orderbook.")))
                .isEmpty();
        assertThat(rig.published(s -> s.contains(".json.unparsed."))).isEmpty();
    }

    @Test
    void lifecycleEventsAddAndRemoveMarketsOnTheOpenConnection() throws Exception {
        String added = "KXHIGHNY-26AUG20-T5000";
        String excluded = "KXCPI-26AUG-T0.3";
        server.lifecycle("created", List.of(added, excluded));
        server.lifecycle("activated", List.of(added, excluded));

        waitUp().until(() -> shardOf(added).isPresent());
        String shard = shardOf(added).orElseThrow();
        String subject = env + ".kalshi.climate_and_weather.json.orderbook." + Subjects.token(added);
        waitUp().until(() -> !rig.published(subject::equals).isEmpty());
        // Economics is excluded by the environment: its new market is never subscribed.
        assertThat(rig.health()).flatExtracting(ShardHealth::instruments).doesNotContain(excluded);
        // Added with update_subscription: the shard kept its one connection.
        assertThat(rig.control(ControlEvent.CONNECTED, shard)).hasSize(1);
        assertThat(rig.control(ControlEvent.DISCONNECTED, shard)).isEmpty();
        assertThat(system(shard)).anyMatch(f -> f.contains("\"type\":\"ok\"") && f.contains(added));

        server.lifecycle("determined", List.of(added));
        waitUp().until(() -> shardOf(added).isEmpty());
        // Three oks for add_markets, three for delete_markets (one per channel's sid): the market is off the sids.
        waitUp().until(() -> system(shard).stream()
                        .filter(f -> f.startsWith("{\"type\":\"ok\""))
                        .count()
                == 6);
        int after = marketData(added);
        // The replay server steps its markets round-robin: once every other market of the shard has moved, the
        // settled one would have too, had it still been subscribed.
        List<String> others = rig.health(shard).orElseThrow().instruments();
        Map<String, Integer> before = new java.util.HashMap<>();
        others.forEach(m -> before.put(m, marketData(m)));
        waitUp().until(() -> others.stream().allMatch(m -> marketData(m) > before.get(m)));
        assertThat(marketData(added)).isEqualTo(after);
        assertThat(rig.control(ControlEvent.DISCONNECTED, shard)).isEmpty();
    }

    @Test
    void aShardFilledPast80PercentOpensANewOne() throws Exception {
        List<String> more = new ArrayList<>();
        for (int k = 0; k < 81; k++) {
            more.add("KXGOLDH-26AUG2711-T" + (9_000 + k) + ".99");
        }
        server.lifecycle("created", more);
        server.lifecycle("activated", more);

        waitUp().until(() ->
                rig.health("kalshi-13").map(h -> h.state().equals("streaming")).orElse(false));
        // Which 80 fill kalshi-12 depends on the order the lifecycle lookups come back in (they run in parallel and
        // a loaded machine reorders them): the shard fills to its 160, the one left over opens kalshi-13.
        List<String> twelve = rig.health("kalshi-12").orElseThrow().instruments();
        List<String> thirteen = rig.health("kalshi-13").orElseThrow().instruments();
        assertThat(twelve).hasSize(160);
        assertThat(thirteen).hasSize(1);
        List<String> placed = new ArrayList<>(twelve);
        placed.addAll(thirteen);
        assertThat(placed).containsAll(more);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kalshi-12")).isEmpty();
        waitUp().until(() -> !rig.published(
                        s -> s.equals(env + ".kalshi.financials.json.orderbook." + Subjects.token(thirteen.get(0))))
                .isEmpty());
    }

    @Test
    void oneShardDroppedReconnectsAloneWhileTheOthersStream() {
        List<String> victim = rig.health("kalshi-3").orElseThrow().instruments();
        server.faults().only(victim);
        server.faults().disconnectAll();

        waitUp().until(() -> rig.control(ControlEvent.CONNECTED, "kalshi-3").size() == 2);
        waitUp().until(() -> rig.health("kalshi-3")
                .map(h -> h.state().equals("streaming") && h.reconnects() == 1)
                .orElse(false));
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kalshi-3")).hasSize(1);
        for (ShardHealth other : rig.health()) {
            if (!other.shard().equals("kalshi-3")) {
                assertThat(rig.control(ControlEvent.DISCONNECTED, other.shard()))
                        .as(other.shard())
                        .isEmpty();
                assertThat(other.reconnects()).as(other.shard()).isZero();
            }
        }
        int before = shardOrderbook("kalshi-5");
        waitUp().until(() -> shardOrderbook("kalshi-5") > before + 20);
    }

    /** Asks of the health registry may time out while 14 shards take their snapshots on two cores: ask again. */
    private static org.awaitility.core.ConditionFactory waitUp() {
        return await().atMost(WAIT).ignoreExceptions();
    }

    private List<ShardHealth> marketShards() {
        return rig.health().stream()
                .filter(h -> !h.shard().equals("kalshi-lifecycle"))
                .sorted(java.util.Comparator.comparing(
                        h -> Integer.parseInt(h.shard().substring(7))))
                .toList();
    }

    private Optional<String> shardOf(String market) {
        return rig.health().stream()
                .filter(h -> h.instruments().contains(market))
                .map(ShardHealth::shard)
                .findFirst();
    }

    private List<String> system(String shard) {
        return rig.published(s -> s.equals(env + ".kalshi.json.system." + shard)).stream()
                .map(p -> new String(p.data(), StandardCharsets.UTF_8))
                .toList();
    }

    /** Market data (any type) published for one market. */
    private int marketData(String market) {
        String token = "." + Subjects.token(market);
        return rig.published(s -> s.endsWith(token) && s.contains(".json.")).size();
    }

    /** Orderbook messages published for the markets of one shard, by the shard header. */
    private int shardOrderbook(String shard) {
        return (int) rig.published(s -> s.contains(".json.orderbook.")).stream()
                .filter(p -> shard.equals(p.headers().getFirst("Ssmd-Shard")))
                .count();
    }
}
