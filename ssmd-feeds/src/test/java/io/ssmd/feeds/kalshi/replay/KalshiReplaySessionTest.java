package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static io.ssmd.feeds.kalshi.KalshiTestServer.keys;
import static io.ssmd.feeds.kalshi.KalshiTestServer.next;
import static io.ssmd.feeds.kalshi.KalshiTestServer.nextOfType;
import static io.ssmd.feeds.kalshi.KalshiTestServer.parse;
import static io.ssmd.feeds.kalshi.KalshiTestServer.sampleLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.kalshi.KalshiTestServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Commands, acks, errors and keepalive of a Kalshi session, checked against the real frames in messages.jsonl. */
class KalshiReplaySessionTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final String A = "KXGOLDH-26AUG2711-T4615.99";
    private static final String B = "KXETHD-26FEB1217-T1819.99";
    private static final String PRICE = "(0|1)\\.\\d{4}";
    private static final String COUNT = "-?\\d+\\.\\d{2}";

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void subscribeIsAckedOncePerChannelThenEachBookStartsWithASnapshot() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 5, 1);
                WsTestClient client = server.connect()) {
            client.send(KalshiReplayServer.subscribeMessages(List.of(A, B)).get(0));
            // Kalshi greets nobody: the first frame is the first ack, byte for byte the real demo frame.
            assertThat(client.next(WAIT)).isEqualTo(sampleLine(1));
            assertThat(client.next(WAIT))
                    .isEqualTo("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"ticker\",\"sid\":2}}");
            JsonNode trade = parse(client.next(WAIT));
            assertThat(keys(trade)).isEqualTo(keys(parse(sampleLine(9))));
            assertThat(trade.toString())
                    .isEqualTo("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"trade\",\"sid\":3}}");
            assertThat(client.next(WAIT))
                    .isEqualTo(
                            "{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"market_lifecycle_v2\",\"sid\":4}}");
            JsonNode real = parse(sampleLine(2));
            List<JsonNode> snapshots = next(client, 2);
            for (int i = 0; i < 2; i++) {
                JsonNode snapshot = snapshots.get(i);
                assertThat(keys(snapshot)).isEqualTo(keys(real));
                assertThat(keys(snapshot.get("msg"))).isEqualTo(keys(real.get("msg")));
                assertThat(snapshot.get("sid").asInt()).isEqualTo(1);
                assertThat(snapshot.get("seq").asLong()).isEqualTo(i + 1);
                assertThat(snapshot.at("/msg/market_ticker").asText()).isEqualTo(i == 0 ? A : B);
                for (String side : List.of("yes_dollars_fp", "no_dollars_fp")) {
                    assertThat(snapshot.at("/msg/" + side)).isNotEmpty().allSatisfy(level -> {
                        assertThat(level.get(0).asText()).matches(PRICE);
                        assertThat(level.get(1).asText()).matches(COUNT);
                    });
                }
            }
            assertThat(snapshots.get(0).at("/msg/market_id").asText())
                    .isEqualTo(real.at("/msg/market_id").asText());
        }
    }

    @Test
    void dataFramesHaveTheFieldsOfTheRealOnes() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 2);
                WsTestClient client = server.connect()) {
            client.send(KalshiReplayServer.subscribeMessages(KalshiReplayServer.defaultInstruments())
                    .get(0));
            JsonNode delta = nextOfType(client, "orderbook_delta");
            JsonNode realDelta = parse(sampleLine(3));
            assertThat(keys(delta)).isEqualTo(keys(realDelta));
            assertThat(keys(delta.get("msg"))).isEqualTo(keys(realDelta.get("msg")));
            assertThat(delta.at("/msg/price_dollars").asText()).matches(PRICE);
            assertThat(delta.at("/msg/delta_fp").asText()).matches(COUNT);
            assertThat(delta.at("/msg/ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

            JsonNode ticker = nextOfType(client, "ticker");
            JsonNode realTicker = parse(sampleLine(4));
            assertThat(keys(ticker)).isEqualTo(keys(realTicker));
            assertThat(keys(ticker.get("msg"))).isEqualTo(keys(realTicker.get("msg")));

            JsonNode trade = nextOfType(client, "trade");
            assertThat(keys(trade)).containsExactly("type", "sid", "msg");
            // The doc example (line 27) plus the two side fields the schema requires since.
            assertThat(keys(trade.get("msg")))
                    .containsExactly(
                            "trade_id",
                            "market_ticker",
                            "yes_price_dollars",
                            "no_price_dollars",
                            "count_fp",
                            "taker_side",
                            "taker_outcome_side",
                            "taker_book_side",
                            "is_block_trade",
                            "ts",
                            "ts_ms");
            assertThat(keys(parse(sampleLine(27)).get("msg"))).isSubsetOf(keys(trade.get("msg")));

            JsonNode lifecycle = nextOfType(client, "market_lifecycle_v2");
            assertThat(keys(lifecycle)).containsExactly("type", "sid", "seq", "msg");
            assertThat(lifecycle.at("/msg/event_type").asText()).isEqualTo("close_date_updated");
        }
    }

    @Test
    void okAndUnsubscribedTakeTheirSidsNextSeqSoTheStreamHasNoGap() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 200, 3);
                WsTestClient client = server.connect()) {
            List<JsonNode> seen = new ArrayList<>();
            client.send(
                    "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_ticker\":\""
                            + A + "\"}}");
            until(client, f -> f.path("type").asText().equals("orderbook_snapshot"), seen);

            // A repeat subscribe adds markets to the sid: ok (the real frame's fields), then the new snapshot.
            client.send(
                    "{\"id\":2,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
                            + B + "\"]}}");
            JsonNode ok = until(client, f -> f.path("type").asText().equals("ok"), seen);
            assertThat(keys(ok)).isEqualTo(keys(parse(sampleLine(5))));
            assertThat(ok.at("/msg/market_tickers").toString()).isEqualTo("[\"" + A + "\",\"" + B + "\"]");
            JsonNode snapshot = parse(client.next(WAIT));
            seen.add(snapshot);
            assertThat(snapshot.at("/msg/market_ticker").asText()).isEqualTo(B);
            assertThat(snapshot.get("seq").asLong()).isEqualTo(ok.get("seq").asLong() + 1);

            client.send("{\"id\":3,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"market_tickers\":[\"" + A
                    + "\"],\"action\":\"delete_markets\"}}");
            assertThat(until(client, f -> f.path("id").asInt() == 3, seen)
                            .at("/msg/market_tickers")
                            .toString())
                    .isEqualTo("[\"" + B + "\"]");
            client.send("{\"id\":4,\"cmd\":\"update_subscription\",\"params\":{\"sid\":1,\"market_tickers\":[\"" + A
                    + "\"],\"action\":\"add_markets\"}}");
            assertThat(until(client, f -> f.path("id").asInt() == 4, seen)
                            .at("/msg/market_tickers")
                            .toString())
                    .isEqualTo("[\"" + B + "\",\"" + A + "\"]");
            client.send("{\"id\":5,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"market_tickers\":[\"" + B
                    + "\"],\"action\":\"get_snapshot\"}}");
            until(
                    client,
                    f -> f.path("type").asText().equals("orderbook_snapshot")
                            && f.at("/msg/market_ticker").asText().equals(B),
                    seen);

            client.send("{\"id\":6,\"cmd\":\"list_subscriptions\"}");
            assertThat(until(client, f -> f.path("id").asInt() == 6, seen).toString())
                    .isEqualTo("{\"type\":\"ok\",\"id\":6,\"msg\":[{\"channel\":\"orderbook_delta\",\"sid\":1}]}");
            client.send("{\"id\":7,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}");
            JsonNode unsubscribed = until(client, f -> f.path("type").asText().equals("unsubscribed"), seen);
            assertThat(keys(unsubscribed)).containsExactly("type", "id", "sid", "seq");
            client.send("{\"id\":8,\"cmd\":\"list_subscriptions\"}");
            assertThat(client.next(WAIT)).isEqualTo("{\"type\":\"ok\",\"id\":8,\"msg\":[]}");

            List<Long> seqs = seen.stream()
                    .filter(f -> f.path("sid").asInt() == 1 && f.has("seq"))
                    .map(f -> f.get("seq").asLong())
                    .toList();
            assertThat(seqs).hasSizeGreaterThan(6);
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("seq %d of %s", i, seqs).isEqualTo(i + 1L);
            }
        }
    }

    /**
     * What {@code ssmd bench secmaster} times the CDC latency by: the server keeps when a market was first subscribed,
     * by a subscribe or by update_subscription add_markets, and not for a market it refused.
     */
    @Test
    void theServerKeepsWhenEachMarketWasFirstSubscribed() throws Exception {
        ReplaySettings settings = KalshiTestServer.settings(0, 4);
        KalshiReplayServer venue = KalshiReplayServer.create(settings);
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(), venue, settings);
                WsTestClient client = server.connect()) {
            long before = System.nanoTime();
            client.send(
                    "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_ticker\":\""
                            + A + "\"}}");
            JsonNode subscribed = nextOfType(client, "subscribed");
            assertThat(venue.firstSubscribedNanos(A).orElse(-1)).isBetween(before, System.nanoTime());
            assertThat(venue.firstSubscribedNanos(B)).isEmpty();

            long added = System.nanoTime();
            client.send("{\"id\":2,\"cmd\":\"update_subscription\",\"params\":{\"sids\":["
                    + subscribed.at("/msg/sid").asInt() + "],\"market_tickers\":[\"" + B
                    + "\",\"KXNOPE-1\"],\"action\":\"add_markets\"}}");
            nextOfType(client, "ok");
            assertThat(venue.firstSubscribedNanos(B).orElse(-1)).isBetween(added, System.nanoTime());
            assertThat(venue.firstSubscribedNanos(A).getAsLong()).isLessThan(added);
            assertThat(venue.firstSubscribedNanos("KXNOPE-1"))
                    .as("refused: Market not found")
                    .isEmpty();
        }
    }

    @Test
    void errorsCarryKalshisCodesAndTexts() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 5, 4);
                WsTestClient client = server.connect()) {
            expect(
                    client,
                    "not json",
                    "{\"type\":\"error\",\"msg\":{\"code\":1,\"msg\":\"Unable to process message\"}}");
            expect(
                    client,
                    "{\"id\":2,\"cmd\":\"subscribe\"}",
                    "{\"type\":\"error\",\"id\":2,\"msg\":{\"code\":2,\"msg\":\"Params required\"}}");
            expect(
                    client,
                    "{\"id\":3,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook\"],\"market_ticker\":\"" + A
                            + "\"}}",
                    sampleLine(6));
            expect(
                    client,
                    "{\"id\":4,\"cmd\":\"subscribe\",\"params\":{\"market_ticker\":\"" + A + "\"}}",
                    "{\"type\":\"error\",\"id\":4,\"msg\":{\"code\":3,\"msg\":\"Channels required\"}}");
            expect(
                    client,
                    "{\"id\":5,\"cmd\":\"unsubscribe\",\"params\":{}}",
                    "{\"type\":\"error\",\"id\":5,\"msg\":{\"code\":4,\"msg\":\"Subscription IDs required\"}}");
            expect(
                    client,
                    "{\"id\":6,\"cmd\":\"resubscribe\"}",
                    "{\"type\":\"error\",\"id\":6,\"msg\":{\"code\":5,\"msg\":\"Unknown command\"}}");
            expect(
                    client,
                    "{\"id\":7,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[9]}}",
                    "{\"type\":\"error\",\"id\":7,\"msg\":{\"code\":7,\"msg\":\"Unknown subscription ID\"}}");
            expect(
                    client,
                    "{\"id\":8,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"]}}",
                    "{\"type\":\"error\",\"id\":8,\"msg\":{\"code\":14,\"msg\":\"Market Ticker required\"}}");
            expect(
                    client,
                    "{\"id\":9,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"ticker\"],\"market_tickers\":[\"KXNOPE-26JAN01-T1\"]}}",
                    "{\"type\":\"error\",\"id\":9,\"msg\":{\"code\":16,\"msg\":\"Market not found\",\"market_ticker\":\"KXNOPE-26JAN01-T1\"}}");
            expect(
                    client,
                    "{\"id\":10,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"ticker\"],\"market_ticker\":\"" + A
                            + "\",\"market_tickers\":[\"" + A + "\"]}}",
                    "{\"type\":\"error\",\"id\":10,\"msg\":{\"code\":11,\"msg\":\"Invalid parameter\"}}");
            expect(
                    client,
                    "{\"id\":11,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"ticker\"],\"market_ticker\":\"" + A
                            + "\"}}",
                    "{\"type\":\"subscribed\",\"id\":11,\"msg\":{\"channel\":\"ticker\",\"sid\":1}}");
            expect(
                    client,
                    "{\"id\":12,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"ticker\"],\"market_ticker\":\"" + A
                            + "\"}}",
                    "{\"type\":\"error\",\"id\":12,\"msg\":{\"code\":6,\"msg\":\"Already subscribed\"}}");
            String update =
                    "{\"id\":%d,\"cmd\":\"update_subscription\",\"params\":{%s,\"market_tickers\":[\"" + B + "\"]%s}}";
            expect(
                    client,
                    String.format(update, 13, "\"sids\":[1]", ""),
                    "{\"type\":\"error\",\"id\":13,\"msg\":{\"code\":15,\"msg\":\"Action required\"}}");
            expect(
                    client,
                    String.format(update, 14, "\"sids\":[1]", ",\"action\":\"replace\""),
                    "{\"type\":\"error\",\"id\":14,\"msg\":{\"code\":13,\"msg\":\"Unsupported action\"}}");
            expect(
                    client,
                    String.format(update, 15, "\"sids\":[1,2]", ",\"action\":\"add_markets\""),
                    "{\"type\":\"error\",\"id\":15,\"msg\":{\"code\":12,\"msg\":\"Exactly one subscription ID is required\"}}");
        }
    }

    @Test
    void theServerPingsAndListSubscriptionsIsTheAppLevelProbe() throws Exception {
        ReplaySettings settings = KalshiTestServer.settings(10, 5);
        assertThat(KalshiReplayServer.create(settings).websocketPingInterval()).hasValue(Duration.ofSeconds(10));
        // Ten seconds is Kalshi's interval; a shorter one shows the same pings without a slow test.
        KalshiReplayServer fastPings = new KalshiReplayServer(settings, Duration.ofMillis(200));
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(), fastPings, settings);
                WsTestClient client = server.connect()) {
            await().atMost(WAIT).until(() -> client.pings() >= 2);
            client.send("{\"id\":1,\"cmd\":\"list_subscriptions\"}");
            assertThat(client.next(WAIT)).isEqualTo("{\"type\":\"ok\",\"id\":1,\"msg\":[]}");
            assertThat(client.ended()).isNotDone();
        }
    }

    @Test
    void aClientSilentForTheConfiguredIdleTimeoutIsClosedCleanly() throws Exception {
        ReplaySettings settings = KalshiTestServer.settings(20, 6).withClientIdleTimeout(Duration.ofMillis(800));
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(), settings);
                WsTestClient client = server.connect()) {
            // Data from the server does not count: the client has to say something.
            client.send("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"ticker\"]}}");
            assertThat(client.next(WAIT)).startsWith("{\"type\":\"subscribed\"");
            assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1000);
        }
    }

    private static void expect(WsTestClient client, String command, String reply) throws InterruptedException {
        client.send(command);
        long id = command.startsWith("{") ? parse(command).path("id").asLong(-1) : -1;
        // A subscribed ticker may tick in between; the reply is the frame that echoes the command's id.
        String frame = client.nextMatching(f -> id < 0 || parse(f).path("id").asLong(-1) == id, WAIT);
        assertThat(frame).isEqualTo(reply);
    }

    /** Reads frames into {@code seen} until one matches, which it returns. */
    private static JsonNode until(WsTestClient client, Predicate<JsonNode> matching, List<JsonNode> seen)
            throws InterruptedException {
        while (true) {
            JsonNode frame = parse(client.next(WAIT));
            seen.add(frame);
            if (matching.test(frame)) {
                return frame;
            }
        }
    }
}
