package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.secmaster.OutboxRelay;
import io.ssmd.core.secmaster.SecmasterRelay;
import io.ssmd.core.secmaster.SecmasterRelayMetrics;
import io.ssmd.core.settings.SecmasterRelaySettings;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.shard.SecmasterSource;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.SecmasterSync;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.WiredFeed;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.shard.ShardRig;
import io.ssmd.feeds.shard.TestFeeds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Polymarket feed with {@code discovery.max-instruments} run from the security master (PostgreSQL, the real relay,
 * NATS, the replay server's Gamma and CLOB) runs exactly the tokens discovery would choose: Gamma's order, whole
 * markets only (an odd cap leaves the last market out rather than split it).
 */
class PolymarketSecmasterCapTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private static final ActorTestKit SERVERS = ActorTestKit.create("polymarket-cap-replay");
    private static final List<String> ASSETS = PolymarketReplayServer.syntheticInstruments(300);

    /** Odd: 25 whole two-token markets fit, the 26th would be split. */
    private static final int CAP = 51;

    @TempDir
    Path dir;

    private ServerBinding binding;
    private ShardRig rig;
    private Database db;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        if (binding != null) {
            binding.unbind().toCompletableFuture().join();
        }
        if (db != null) {
            db.close();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.shutdownTestKit();
    }

    @Test
    void theCapRunsTheTokensDiscoveryWouldChooseWholeMarketsOnly() throws Exception {
        ReplaySettings settings =
                ReplaySettings.synthetic("polymarket", 0, 50, 11).withInstruments(ASSETS);
        ReplayServer server =
                ReplayServer.create(SERVERS.system(), PolymarketReplayServer.create(settings), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
        String base = "http://127.0.0.1:" + binding.localAddress().getPort();
        String env = NatsServerExtension.freshName("pcap").toLowerCase();
        Environment environment = TestFeeds.discoveryEnvironment(
                dir,
                env,
                "polymarket",
                "ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws/market",
                CAP,
                Map.of(
                        "discovery: https://gamma-api.polymarket.com",
                        "discovery: " + base,
                        "min-backoff: 1s",
                        "min-backoff: 100ms"));
        EnabledFeed feed = environment.feed("polymarket").orElseThrow();
        WiredFeed wired = Venues.wire(feed);
        List<String> chosen = wired.feed().discovery().orElseThrow().discover();
        assertThat(chosen).hasSize(CAP - 1);

        db = Database.open(POSTGRES.settings());
        Metadata metadata = Metadata.of(db);
        SecurityMaster master = new SecurityMaster(metadata);
        SecmasterSync sync = new SecmasterSync(
                master,
                f -> VenueRest.create(SecmasterSettings.defaults().withRetry(6, Duration.ofMillis(10), Duration.ZERO)));
        assertThat(sync.sync(feed, line -> {}).created()).isEqualTo(ASSETS.size());

        rig = ShardRig.start(NATS.connect(), environment, f -> wired.feed().connector());
        SecmasterRelaySettings relaySettings = SecmasterRelaySettings.defaults();
        OutboxRelay relay = new OutboxRelay(
                metadata.jdbi(),
                rig.nats(),
                env,
                relaySettings,
                SecmasterRelayMetrics.create(new PrometheusRegistry()));
        SERVERS.spawn(SecmasterRelay.create(
                relay,
                relaySettings,
                rig.system().dispatchers().lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher"))));
        rig.startManager(wired.feed().selection().orElseThrow(), new SecmasterSource(master, rig.nats(), env));

        await().atMost(WAIT.multipliedBy(2))
                .until(() -> rig.health().stream()
                        .anyMatch(h -> h.state().equals("streaming")
                                && !h.instruments().isEmpty()));
        assertThat(rig.health().stream().flatMap(h -> h.instruments().stream()))
                .containsExactlyInAnyOrderElementsOf(chosen);
        await().atMost(WAIT)
                .until(() -> !rig.published(s -> s.contains(".json.book.")).isEmpty());
        assertThat(rig.counter("ssmd_secmaster_markets_dropped")).isZero();
    }
}
