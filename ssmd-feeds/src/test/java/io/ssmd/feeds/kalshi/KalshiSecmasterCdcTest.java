package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.secmaster.OutboxRelay;
import io.ssmd.core.secmaster.SecmasterRelay;
import io.ssmd.core.secmaster.SecmasterRelayMetrics;
import io.ssmd.core.settings.SecmasterRelaySettings;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.shard.SecmasterSource;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.SecmasterSync;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.WiredFeed;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.shard.ShardRig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
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
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Retries that wait 10 ms (a 429's Retry-After wins), no spacing, and settled markets of any age kept. */
    private static final SecmasterSettings SYNC = SecmasterSettings.defaults()
            .withRetry(6, Duration.ofMillis(10), Duration.ZERO)
            .withClosedWithin(Duration.ofDays(3650));

    /** Markets listed before the manager starts: loaded from the security master's rows. */
    private static final List<String> BEFORE = KalshiDiscoveryShardTest.universe(40);

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
    void twoHundredMarketsCreatedInARolloverUnder429sAreAllSubscribedAndFiftySettledLeaveWithoutReconnects()
            throws Exception {
        server = KalshiTestServer.start(
                SERVERS.system(), KalshiTestServer.settings(30, 3).withInstruments(BEFORE));
        String env = NatsServerExtension.freshName("kc").toLowerCase();
        Environment environment = environment(env);
        var feed = environment.feed("kalshi").orElseThrow();
        db = Database.open(POSTGRES.settings());
        Metadata metadata = Metadata.of(db);
        SecurityMaster master = new SecurityMaster(metadata);
        SecmasterSync sync = new SecmasterSync(master, f -> VenueRest.create(SYNC));
        assertThat(sync.sync(feed, line -> {}).created()).isEqualTo(BEFORE.size());

        WiredFeed wired = Venues.wire(feed);
        rig = ShardRig.start(NATS.connect(), environment, f -> wired.feed().connector());
        SecmasterRelaySettings relaySettings = SecmasterRelaySettings.defaults();
        OutboxRelay relay = new OutboxRelay(
                metadata.jdbi(),
                rig.nats(),
                env,
                relaySettings,
                SecmasterRelayMetrics.create(new PrometheusRegistry()));
        // The real relay, spawned beside the rig rather than as the rig's singleton: its first Tick is a self-tell
        // that the rig's serialize-messages check refuses (the relay's, not this test's, to fix).
        SERVERS.spawn(SecmasterRelay.create(
                relay,
                relaySettings,
                rig.system().dispatchers().lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher"))));
        rig.startManager(wired.feed().selection().orElseThrow(), new SecmasterSource(master, rig.nats(), env));
        waitUp().until(() -> streaming().containsAll(Set.of("kalshi-0", "kalshi-lifecycle")));
        assertThat(instruments()).containsExactlyInAnyOrderElementsOf(BEFORE);

        // The rollover: 200 markets open at once, in two categories, while REST refuses every third request.
        List<String> created = KalshiReplayServer.rolloverInstruments(200);
        post("/control/rest", "{\"throttle-every\":3,\"retry-after\":1}");
        lifecycle("created", created);
        lifecycle("activated", created);
        assertThat(sync.sync(feed, line -> {}).created()).isEqualTo(200);
        assertThat(get("/control/rest")).doesNotContain("\"refused\":0");

        waitUp().until(() -> instruments().containsAll(created));
        for (String ticker : created) {
            String category = ticker.startsWith("KXBTCD") ? "crypto" : "climate_and_weather";
            String subject = env + ".kalshi." + category + ".json.orderbook." + Subjects.token(ticker);
            waitUp().until(() -> !rig.published(subject::equals).isEmpty());
        }
        // 240 markets: kalshi-0 filled to 160 (200 × 0.8) on its open connection, kalshi-1 opened for the rest.
        assertThat(health("kalshi-0").instruments()).hasSize(160);
        assertThat(health("kalshi-1").instruments()).hasSize(80);

        // 50 of them settle: their markets leave the open connections.
        List<String> settled = created.subList(0, 50);
        lifecycle("determined", settled);
        lifecycle("settled", settled);
        SecurityMaster.SyncCounts counts = sync.sync(feed, line -> {});
        assertThat(counts.updated()).isEqualTo(50);
        waitUp().until(() -> instruments().stream().noneMatch(settled::contains));
        assertThat(instruments()).hasSize(BEFORE.size() + 150);

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

    private List<String> streaming() {
        return rig.health().stream()
                .filter(h -> h.state().equals("streaming"))
                .map(ShardHealth::shard)
                .toList();
    }

    private ShardHealth health(String shard) {
        return rig.health().stream()
                .filter(h -> h.shard().equals(shard))
                .findFirst()
                .orElseThrow();
    }

    /** Every market any shard runs now. */
    private List<String> instruments() {
        return rig.health().stream().flatMap(h -> h.instruments().stream()).toList();
    }

    private void lifecycle(String event, List<String> tickers) throws Exception {
        post(
                "/control/lifecycle",
                "{\"event\":\"" + event + "\",\"tickers\":[\"" + String.join("\",\"", tickers) + "\"]}");
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(server.http(path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.http(path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The shipped kalshi.yaml at the replay server; the environment lists no instruments, leaving Economics out. */
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
                    exclude-categories: [Economics]
                    discovery: {max-instruments: 5000}
                storage:
                  archive-root: %s
                """.formatted(env, dir.resolve("archive")));
        return EnvironmentLoader.load(
                envFile,
                Map.of(
                        "KALSHI_API_KEY_ID",
                        "a952bcbe-ec3b-4b5b-b8f9-11dae589608c",
                        "KALSHI_PRIVATE_KEY_FILE",
                        key.toString()));
    }
}
