package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
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
import io.ssmd.feeds.shard.ShardRig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
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
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final SecmasterSettings SYNC = SecmasterSettings.defaults()
            .withRetry(6, Duration.ofMillis(10), Duration.ZERO)
            .withClosedWithin(Duration.ofDays(3650));

    /** 60 markets in three series; the replay server lists them event by event, not in this order. */
    private static final List<String> UNIVERSE = KalshiDiscoveryShardTest.universe(60);

    private static final int CAP = 25;

    @TempDir
    Path dir;

    private KalshiTestServer server;
    private ShardRig rig;
    private Database db;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        if (server != null) {
            server.close();
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
    void theCapRunsTheMarketsDiscoveryWouldChooseAndAFreedPlaceGoesToTheNextOneNotToANewMarket() throws Exception {
        server = KalshiTestServer.start(
                SERVERS.system(), KalshiTestServer.settings(30, 5).withInstruments(UNIVERSE));
        String env = NatsServerExtension.freshName("kcap").toLowerCase();
        Environment environment = environment(env);
        EnabledFeed feed = environment.feed("kalshi").orElseThrow();
        List<String> chosen = discover(feed);
        assertThat(chosen).hasSize(CAP);
        // The listing's order is not the universe's: a cap that took the first markets by name would differ.
        assertThat(chosen).isNotEqualTo(UNIVERSE.subList(0, CAP));

        db = Database.open(POSTGRES.settings());
        Metadata metadata = Metadata.of(db);
        SecurityMaster master = new SecurityMaster(metadata);
        SecmasterSync sync = new SecmasterSync(master, f -> VenueRest.create(SYNC));
        assertThat(sync.sync(feed, line -> {}).created()).isEqualTo(UNIVERSE.size());

        WiredFeed wired = Venues.wire(feed);
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
        waitUp().until(() -> !instruments().isEmpty());
        assertThat(instruments()).containsExactlyInAnyOrderElementsOf(chosen);

        // Five markets open while the cap is full: they wait (they were not wanted, so nothing is dropped).
        List<String> created = List.of(
                "KXBTCD-26DEC0617-T90000.99",
                "KXBTCD-26DEC0617-T90250.99",
                "KXBTCD-26DEC0617-T90500.99",
                "KXBTCD-26DEC0617-T90750.99",
                "KXBTCD-26DEC0617-T91000.99");
        lifecycle("created", created);
        lifecycle("activated", created);
        assertThat(sync.sync(feed, line -> {}).created()).isEqualTo(created.size());
        // Then three running ones settle: their places go to the next markets by discovery's order, which are older
        // than the new ones. The relay publishes in id order, so the manager has seen the created markets first.
        List<String> settled = chosen.subList(0, 3);
        lifecycle("determined", settled);
        lifecycle("settled", settled);
        sync.sync(feed, line -> {});
        List<String> now = discover(feed);
        assertThat(now).doesNotContainAnyElementsOf(created).doesNotContainAnyElementsOf(settled);
        waitUp().until(() -> instruments().stream().noneMatch(settled::contains));
        waitUp().until(() -> instruments().size() == CAP);
        assertThat(instruments()).containsExactlyInAnyOrderElementsOf(now);
        assertThat(rig.counter("ssmd_secmaster_markets_dropped")).isZero();
    }

    /** What discovery chooses now, against the same replay server. */
    private static List<String> discover(EnabledFeed feed) throws InterruptedException {
        return KalshiDiscovery.create(KalshiSettings.create(feed)).discover().tickers();
    }

    private static org.awaitility.core.ConditionFactory waitUp() {
        return await().atMost(WAIT.multipliedBy(2)).ignoreExceptions();
    }

    /** Every market any shard runs now. */
    private List<String> instruments() {
        return rig.health().stream().flatMap(h -> h.instruments().stream()).toList();
    }

    private void lifecycle(String event, List<String> tickers) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(server.http("/control/lifecycle"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"" + event + "\",\"tickers\":[\""
                                + String.join("\",\"", tickers) + "\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private Environment environment(String env) throws Exception {
        Path shipped = Path.of(System.getProperty("ssmd.project.dir", "..")).resolve("exchanges/feeds/kalshi.yaml");
        String feed = Files.readString(shipped)
                .replaceAll("(?m)^(\\s+websocket:\\s*)\\S+", "$1" + server.websocketUri())
                .replaceAll("(?m)^(\\s+rest:\\s*)\\S+", "$1" + server.http("/trade-api/v2"))
                .replace("min-backoff: 1s", "min-backoff: 100ms");
        Files.createDirectories(dir.resolve("feeds"));
        Files.writeString(dir.resolve("feeds/kalshi.yaml"), feed);
        Path key = dir.resolve("kalshi.pem");
        Files.writeString(
                key,
                KalshiTestServer.pem(
                        "PRIVATE KEY", KalshiTestServer.KEYS.getPrivate().getEncoded()));
        Path envFile = Files.createDirectories(dir.resolve("environments")).resolve(env + ".yaml");
        Files.writeString(envFile, """
                name: %s
                feeds:
                  kalshi:
                    enabled: if-credentials
                    discovery: {max-instruments: %d}
                storage:
                  archive-root: %s
                """.formatted(env, CAP, dir.resolve("archive")));
        return EnvironmentLoader.load(
                envFile,
                Map.of(
                        "KALSHI_API_KEY_ID",
                        "a952bcbe-ec3b-4b5b-b8f9-11dae589608c",
                        "KALSHI_PRIVATE_KEY_FILE",
                        key.toString()));
    }
}
