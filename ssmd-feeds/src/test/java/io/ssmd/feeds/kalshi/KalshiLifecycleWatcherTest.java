package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The lifecycle watcher's decisions, event by event, against the replay server's REST for lookups: which events
 * add or remove a market, the environment's filters, markets not open yet, and the category map it fills.
 */
class KalshiLifecycleWatcherTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit TESTKIT = ActorTestKit.create("kalshi-watcher");
    private static final String BTC = "KXBTCD-26AUG2017-T73749.99";
    private static final String ETH = "KXETHD-26FEB1217-T1819.99";
    private static final String MARS = "KXELONMARS-99";

    private KalshiTestServer server;
    private Connection nats;
    private TestProbe<FeedManager.Command> manager;
    private Map<String, String> categories;
    private ActorRef<KalshiLifecycleWatcher.Command> watcher;

    @BeforeEach
    void start() throws Exception {
        server = KalshiTestServer.synthetic(TESTKIT.system(), 1, 5);
        nats = NATS.connect();
        manager = TESTKIT.createTestProbe();
        categories = new ConcurrentHashMap<>();
        KalshiSettings settings = new KalshiSettings(
                "kalshi",
                URI.create("ws://127.0.0.1/trade-api/ws/v2"),
                Optional.of(server.http("/trade-api/v2")),
                KalshiSettings.MARKET_CHANNELS,
                true,
                Optional.empty(),
                List.of(),
                List.of("Science and Technology"),
                List.of(),
                200,
                OptionalInt.empty(),
                Duration.ZERO,
                200,
                3,
                Duration.ZERO);
        KalshiDiscovery lookup =
                KalshiDiscovery.create(settings, HttpClient.newHttpClient(), d -> {}, new SplittableRandom(1));
        watcher =
                TESTKIT.spawn(KalshiLifecycleWatcher.create("test", "kalshi", lookup, categories, nats, manager.ref()));
    }

    @AfterEach
    void stop() throws InterruptedException {
        TESTKIT.stop(watcher);
        nats.close();
        server.close();
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void activationsAddPausesAndSettlementsRemoveAndOtherEventsDoNothing() {
        event(BTC, "\"event_type\":\"close_date_updated\",\"close_ts\":1");
        event(BTC, "\"event_type\":\"activated\"");
        expect(List.of(BTC), List.of());
        assertThat(categories).containsEntry(BTC, "Crypto");

        event(BTC, "\"event_type\":\"deactivated\",\"is_deactivated\":true");
        expect(List.of(), List.of(BTC));
        event(BTC, "\"event_type\":\"deactivated\",\"is_deactivated\":false");
        expect(List.of(BTC), List.of());
        event(BTC, "\"event_type\":\"settled\"");
        event(ETH, "\"event_type\":\"determined\"");
        expect(List.of(), List.of(BTC, ETH));
    }

    @Test
    void marketsOfExcludedCategoriesOrNotOpenYetAreNotAdded() throws Exception {
        String fresh = "KXBTCD-26AUG2017-T99999.99";
        control("created", fresh);
        // Looked up one after the other: were Mars (excluded) or the fresh market (initialized) added, their change
        // would come before ETH's.
        event(MARS, "\"event_type\":\"activated\"");
        event(fresh, "\"event_type\":\"created\"");
        event(ETH, "\"event_type\":\"activated\"");
        expect(List.of(ETH), List.of());

        control("activated", fresh);
        event(fresh, "\"event_type\":\"activated\"");
        expect(List.of(fresh), List.of());
        assertThat(categories).containsEntry(fresh, "Crypto").doesNotContainKey(MARS);
    }

    private void event(String ticker, String fields) {
        String frame = "{\"type\":\"market_lifecycle_v2\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"" + ticker
                + "\"," + fields + "}}";
        watcher.tell(new KalshiLifecycleWatcher.Frame(frame.getBytes(StandardCharsets.UTF_8)));
    }

    private void expect(List<String> added, List<String> removed) {
        FeedManager.ChangeInstruments change =
                manager.expectMessageClass(FeedManager.ChangeInstruments.class, Duration.ofSeconds(10));
        assertThat(change.added()).containsExactlyElementsOf(added);
        assertThat(change.removed()).containsExactlyInAnyOrderElementsOf(removed);
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
