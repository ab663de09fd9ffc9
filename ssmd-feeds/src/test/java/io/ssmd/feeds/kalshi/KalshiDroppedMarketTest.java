package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.shard.ShardRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.MarketSubscriptions;
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
import io.ssmd.core.shard.SubscribeRetry;
import io.ssmd.core.subject.Subjects;
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
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final SecmasterSettings SYNC = SecmasterSettings.defaults()
            .withRetry(6, Duration.ofMillis(10), Duration.ZERO)
            .withClosedWithin(Duration.ofDays(3650));

    /** Two retries 300 ms then 600 ms apart: the third refusal drops the market. */
    private static final SubscribeRetry RETRY =
            new SubscribeRetry(Duration.ofMillis(300), Duration.ofMillis(600), 2, Duration.ofSeconds(1));

    private static final List<String> MARKETS = KalshiDiscoveryShardTest.universe(40);

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
    void aRefusedMarketIsRetriedCountedOnceAsDroppedShownAndSubscribedWhenTheVenueTakesItAgain() throws Exception {
        server = KalshiTestServer.start(
                SERVERS.system(), KalshiTestServer.settings(30, 3).withInstruments(MARKETS));
        List<String> refused = List.of(MARKETS.get(3), MARKETS.get(17));
        post("/control/faults", "{\"reject\":[\"" + String.join("\",\"", refused) + "\"]}");
        String env = NatsServerExtension.freshName("kd").toLowerCase();
        Environment environment = environment(env);
        var feed = environment.feed("kalshi").orElseThrow();
        db = Database.open(POSTGRES.settings());
        Metadata metadata = Metadata.of(db);
        SecurityMaster master = new SecurityMaster(metadata);
        SecmasterSync sync = new SecmasterSync(master, f -> VenueRest.create(SYNC));
        assertThat(sync.sync(feed, line -> {}).created()).isEqualTo(MARKETS.size());

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
        rig.startManager(wired.feed().selection().orElseThrow(), new SecmasterSource(master, rig.nats(), env), RETRY);
        MarketSubscriptions states = master.subscriptions();

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
        delete("/control/faults");
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
        assertThat(health("kalshi-0").instruments()).containsAll(refused);
        assertThat(health("kalshi-0").rejected()).isEmpty();
        assertThat(rig.control(ControlEvent.CONNECTED, "kalshi-0")).hasSize(1);
        assertThat(rig.control(ControlEvent.DISCONNECTED, "kalshi-0")).isEmpty();
        assertThat(rig.counter("ssmd_secmaster_markets_dropped")).isEqualTo(2.0);

        // One of them settles: it leaves its shard and its subscribe state is cleared.
        lifecycle("determined", refused.subList(0, 1));
        lifecycle("settled", refused.subList(0, 1));
        assertThat(sync.sync(feed, line -> {}).updated()).isEqualTo(1);
        waitUp().until(() -> states.find("kalshi", refused.get(0)).isEmpty());
        assertThat(states.find("kalshi", refused.get(1))).isPresent();
        assertThat(states.list("kalshi")).hasSize(MARKETS.size() - 1);
    }

    private void delete(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(server.http(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
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
