package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Market;
import io.ssmd.core.meta.MarketChange;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.OutboxEvent;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.VenueRest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lifecycle watcher as a producer of the security master (DESIGN §15), against PostgreSQL and the replay
 * server's REST: a market created, activated and settled on the replay server, its lifecycle events told to the
 * watcher, changes its {@code markets} row and writes one history row per changed field and the outbox events the
 * relay publishes, while the manager still hears of the market directly.
 */
class KalshiLifecycleSecmasterTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit TESTKIT = ActorTestKit.create("kalshi-lifecycle-secmaster");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String FRESH = "KXBTCD-26AUG2017-T99999.99";
    private static final String BTC = "KXBTCD-26AUG2017-T73749.99";
    private static final String OTHER = "KXBTCD-26AUG2017-T99899.99";

    private KalshiTestServer server;
    private Connection nats;
    private Database db;
    private SecurityMaster master;
    private TestProbe<FeedManager.Command> manager;
    private ActorRef<KalshiLifecycleWatcher.Command> watcher;
    private PrometheusRegistry metrics;

    @BeforeEach
    void start() throws Exception {
        POSTGRES.emptySchema();
        db = Database.open(POSTGRES.settings());
        master = new SecurityMaster(Metadata.of(db));
        server = KalshiTestServer.synthetic(TESTKIT.system(), 1, 5);
        nats = NATS.connect();
        manager = TESTKIT.createTestProbe();
        URI rest = server.http("/trade-api/v2");
        KalshiSettings settings = new KalshiSettings(
                "kalshi",
                URI.create("ws://127.0.0.1/trade-api/ws/v2"),
                Optional.of(rest),
                KalshiSettings.MARKET_CHANNELS,
                true,
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                200,
                OptionalInt.empty(),
                Duration.ZERO,
                200,
                3,
                Duration.ZERO);
        KalshiDiscovery lookup =
                KalshiDiscovery.create(settings, HttpClient.newHttpClient(), d -> {}, new SplittableRandom(1));
        VenueRest venueRest = new VenueRest(
                HttpClient.newHttpClient(),
                SecmasterSettings.defaults().withRetry(3, Duration.ZERO, Duration.ZERO),
                d -> {},
                new SplittableRandom(1));
        metrics = new PrometheusRegistry();
        KalshiLifecycleSecmaster secmaster =
                new KalshiLifecycleSecmaster("kalshi", rest, venueRest, master, ConnectorMetrics.create(metrics));
        watcher = TESTKIT.spawn(KalshiLifecycleWatcher.create(
                "test", "kalshi", lookup, new ConcurrentHashMap<>(), nats, manager.ref(), Optional.of(secmaster)));
    }

    @AfterEach
    void stop() throws InterruptedException {
        TESTKIT.stop(watcher);
        nats.close();
        server.close();
        db.close();
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void aMarketCreatedActivatedAndSettledOnTheReplayServerChangesItsRowWithHistoryAndOutboxEvents() throws Exception {
        control("created", FRESH);
        event(FRESH, "\"event_type\":\"created\",\"open_ts\":1786000000,\"close_ts\":1786003600");
        await().atMost(WAIT).until(() -> master.find("kalshi", FRESH).isPresent());
        MarketRecord created = master.find("kalshi", FRESH).orElseThrow().market();
        assertThat(created.status()).isEqualTo(MarketRecord.UPCOMING);
        assertThat(created.venueStatus()).isEqualTo("initialized");
        assertThat(created.category()).isEqualTo("Crypto");
        assertThat(created.event()).isEqualTo("KXBTCD-26AUG2017");
        assertThat(events(FRESH)).containsExactly(OutboxEvent.CREATED);

        control("activated", FRESH);
        event(FRESH, "\"event_type\":\"activated\",\"open_ts\":1786000000");
        await().atMost(WAIT).until(() -> status(FRESH).equals(MarketRecord.ACTIVE));
        assertThat(changes(FRESH)).contains("status upcoming -> active", "venue_status initialized -> active");
        assertThat(events(FRESH))
                .containsExactlyInAnyOrder(OutboxEvent.CREATED, OutboxEvent.STATUS_CHANGED, OutboxEvent.UPDATED);
        FeedManager.ChangeInstruments change = manager.expectMessageClass(FeedManager.ChangeInstruments.class, WAIT);
        assertThat(change.added()).as("the manager still hears directly").containsExactly(FRESH);

        long settledTs = 1786007200L;
        event(FRESH, "\"event_type\":\"settled\",\"settled_ts\":" + settledTs);
        await().atMost(WAIT).until(() -> status(FRESH).equals(MarketRecord.SETTLED));
        Market settled = master.find("kalshi", FRESH).orElseThrow();
        assertThat(settled.market().settledAt()).isEqualTo(Instant.ofEpochSecond(settledTs));
        assertThat(settled.market().venueStatus()).isEqualTo("finalized");
        assertThat(changes(FRESH))
                .contains(
                        "status active -> settled",
                        "venue_status active -> finalized",
                        "settled_at null -> " + Instant.ofEpochSecond(settledTs));
        assertThat(events(FRESH)).contains(OutboxEvent.SETTLED);
        // One history row per changed field, one outbox event each, besides the created event.
        assertThat(master.outbox(Optional.of("kalshi"), 0).stream()
                        .filter(e -> e.instrument().equals(FRESH))
                        .count())
                .isEqualTo(1 + master.history(settled).size());
    }

    @Test
    void aDeterminationOfAMarketTheSecurityMasterDoesNotHoldYetStoresItFromRestWithTheResult() {
        event(BTC, "\"event_type\":\"determined\",\"result\":\"no\",\"determination_ts\":1786000000");
        await().atMost(WAIT).until(() -> master.find("kalshi", BTC).isPresent());
        MarketRecord row = master.find("kalshi", BTC).orElseThrow().market();
        assertThat(row.status()).isEqualTo(MarketRecord.SETTLED);
        assertThat(row.result()).isEqualTo("no");
        assertThat(row.category()).isEqualTo("Crypto");
        assertThat(events(BTC)).containsExactly(OutboxEvent.CREATED);
    }

    /**
     * Issue 15: a market whose REST lookup fails every try is not forgotten. The replay server answers 500 to every
     * request naming FRESH; its events and another new market's come in one batch (one lookup request for both).
     * The other market is stored; FRESH is counted once as {@code lookup_failed} however often its retries fail,
     * its later event joins it, and once the fault is lifted a retry stores it as it now is. Without the change the
     * whole batch failed and was retried as one: the other market waited with it and nothing was counted.
     */
    @Test
    void aMarketWhoseLookupFailsEveryTryIsCountedOnceRetriedAndStoredOnceTheLookupWorks() throws Exception {
        post("/control/rest", "{\"fail-markets\":[\"" + FRESH + "\"]}");
        control("created", FRESH);
        control("created", OTHER);
        event(FRESH, "\"event_type\":\"created\",\"open_ts\":1786000000,\"close_ts\":1786003600");
        event(OTHER, "\"event_type\":\"created\",\"open_ts\":1786000000,\"close_ts\":1786003600");

        await().atMost(WAIT).until(() -> master.find("kalshi", OTHER).isPresent());
        await().atMost(WAIT).until(() -> dropped("lookup_failed") == 1.0);
        assertThat(master.find("kalshi", FRESH)).isEmpty();
        // A later event of the held market waits with it, in order.
        control("activated", FRESH);
        event(FRESH, "\"event_type\":\"activated\",\"open_ts\":1786000000");
        // Its lookup failed again on a later retry (the batch's request of both, and at least two alone): 9 requests.
        await().atMost(WAIT).until(() -> restFailed() >= 9);
        assertThat(master.find("kalshi", FRESH)).isEmpty();

        post("/control/rest", "{\"fail-markets\":[]}");
        await().atMost(WAIT).until(() -> status(FRESH).equals(MarketRecord.ACTIVE));
        assertThat(events(FRESH)).containsExactly(OutboxEvent.CREATED);
        assertThat(status(OTHER)).isEqualTo(MarketRecord.UPCOMING);
        assertThat(dropped("lookup_failed"))
                .as("once for the market, not per try")
                .isEqualTo(1.0);
        assertThat(dropped(null)).as("no other market, no other reason").isEqualTo(1.0);
    }

    /** {@code ssmd_secmaster_markets_dropped_total} of feed kalshi with {@code reason}, or over every reason (null). */
    private double dropped(String reason) {
        return metrics.scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_secmaster_markets_dropped"))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .filter(d -> d.getLabels().get("feed").equals("kalshi"))
                .filter(d -> reason == null || reason.equals(d.getLabels().get("reason")))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }

    /** REST requests the replay server's fail-markets fault answered 500. */
    private long restFailed() throws Exception {
        String state = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.http("/control/rest")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(state)
                .path("failed")
                .asLong();
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.http(path))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private String status(String ticker) {
        return master.find("kalshi", ticker).map(m -> m.market().status()).orElse("");
    }

    private List<String> events(String ticker) {
        return master.outbox(Optional.of("kalshi"), 0).stream()
                .filter(e -> e.instrument().equals(ticker))
                .map(OutboxEvent::event)
                .toList();
    }

    private List<String> changes(String ticker) {
        Market m = master.find("kalshi", ticker).orElseThrow();
        return master.history(m).stream()
                .map((MarketChange c) -> c.field() + " " + c.oldValue() + " -> " + c.newValue())
                .toList();
    }

    private void event(String ticker, String fields) {
        String frame = "{\"type\":\"market_lifecycle_v2\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"" + ticker
                + "\"," + fields + "}}";
        watcher.tell(new KalshiLifecycleWatcher.Frame(frame.getBytes(StandardCharsets.UTF_8)));
    }

    private void control(String event, String ticker) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.http("/control/lifecycle"))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"event\":\"" + event + "\",\"tickers\":[\"" + ticker + "\"]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
