package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.WAIT;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.isFeed;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.keys;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.parse;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.sample;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.synthetic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.krakenfutures.replay.KrakenFuturesReplayServer;
import io.ssmd.feeds.replay.WsTestClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Kraken Futures protocol as a plain WebSocket client sees it: greeting, acks and snapshots in the formats of the
 * real frames (exchanges/kraken-futures/messages.jsonl), refusals, unsubscribe, heartbeat, ping and the idle close.
 */
class KrakenFuturesProtocolTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    private static KrakenFuturesTestServer start(int rate) {
        return KrakenFuturesTestServer.start(TESTKIT.system(), synthetic(rate));
    }

    @Test
    void greetsWithInfoAndAcksATickerSubscriptionExactlyLikeTheVenue() throws Exception {
        try (KrakenFuturesTestServer server = start(200)) {
            try (WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws/v1"))) {
                assertThat(client.next(WAIT)).isEqualTo(sample(1));
                client.send(sample(2));
                assertThat(client.next(WAIT)).isEqualTo(sample(3));
                JsonNode ticker = parse(client.nextMatching(f -> isFeed(f, "ticker"), WAIT));
                JsonNode real = parse(sample(10));
                assertThat(keys(ticker)).containsExactlyInAnyOrderElementsOf(keys(real));
                for (String key : keys(real)) {
                    assertThat(ticker.get(key).getNodeType())
                            .as(key)
                            .isEqualTo(real.get(key).getNodeType());
                }
                assertThat(ticker.get("product_id").asText()).isEqualTo("PF_XBTUSD");
                assertThat(ticker.get("pair").asText()).isEqualTo("XBT:USD");
                assertThat(ticker.get("bid").decimalValue())
                        .isLessThan(ticker.get("ask").decimalValue());
            }
        }
    }

    @Test
    void aBookStartsWithASnapshotAndItsDeltasContinueItsSeq() throws Exception {
        try (KrakenFuturesTestServer server = start(200)) {
            WsTestClient client = server.client();
            client.send(sample(4));
            assertThat(client.next(WAIT))
                    .isEqualTo("{\"event\":\"subscribed\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}");
            JsonNode snapshot = parse(client.next(WAIT));
            JsonNode realSnapshot = parse(sample(13));
            assertThat(keys(snapshot)).isEqualTo(keys(realSnapshot));
            assertThat(snapshot.get("tickSize").isNull()).isTrue();
            assertThat(snapshot.get("bids")).hasSizeGreaterThan(5);
            assertThat(keys(snapshot.get("bids").get(0)))
                    .isEqualTo(keys(realSnapshot.get("bids").get(0)));
            assertThat(keys(snapshot.get("asks").get(0))).isEqualTo(List.of("price", "qty"));
            long seq = snapshot.get("seq").asLong();
            for (int i = 1; i <= 20; i++) {
                JsonNode delta = parse(client.next(WAIT));
                assertThat(keys(delta)).isEqualTo(keys(parse(sample(14))));
                assertThat(delta.get("seq").asLong()).isEqualTo(seq + i);
                assertThat(delta.get("side").asText()).isIn("buy", "sell");
            }
        }
    }

    @Test
    void tradesStartWithATradeSnapshotInTheRealFormat() throws Exception {
        try (KrakenFuturesTestServer server = start(200)) {
            WsTestClient client = server.client();
            client.send("{\"event\":\"subscribe\",\"feed\":\"trade\",\"product_ids\":[\"PF_ETHUSD\"]}");
            assertThat(client.next(WAIT))
                    .isEqualTo("{\"event\":\"subscribed\",\"feed\":\"trade\",\"product_ids\":[\"PF_ETHUSD\"]}");
            JsonNode snapshot = parse(client.next(WAIT));
            assertThat(keys(snapshot)).isEqualTo(keys(parse(sample(11))));
            assertThat(snapshot.get("trades")).isNotEmpty();
            List<String> realTrade = keys(parse(sample(9)));
            assertThat(keys(snapshot.get("trades").get(0))).isEqualTo(realTrade);
            long newest = snapshot.get("trades").get(0).get("seq").asLong();
            JsonNode trade = parse(client.next(WAIT));
            assertThat(keys(trade)).isEqualTo(realTrade);
            assertThat(trade.get("seq").asLong()).isEqualTo(newest + 1);
            assertThat(trade.get("type").asText()).isEqualTo("fill");
            assertThat(trade.get("uid").asText())
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        }
    }

    @Test
    void oneSubscribeForSeveralProductsIsAckedOnceWithAllOfThem() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            WsTestClient client = server.client();
            client.send(KrakenFuturesReplayServer.subscribeMessages(List.of("PF_XBTUSD", "PF_ETHUSD"))
                    .get(0));
            assertThat(client.next(WAIT))
                    .isEqualTo(
                            "{\"event\":\"subscribed\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}");
            assertThat(parse(client.next(WAIT)).get("product_id").asText()).isEqualTo("PF_XBTUSD");
            assertThat(parse(client.next(WAIT)).get("product_id").asText()).isEqualTo("PF_ETHUSD");
        }
    }

    @Test
    void anUnknownProductIsRefusedAndTheOthersSubscribed() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            WsTestClient client = server.client();
            client.send("{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\",\"PF_NOPEUSD\"]}");
            assertThat(client.next(WAIT))
                    .isEqualTo("{\"event\":\"subscribed\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\"]}");
            assertThat(client.next(WAIT))
                    .isEqualTo(
                            "{\"event\":\"subscribed_failed\",\"feed\":\"ticker\",\"product_ids\":[\"PF_NOPEUSD\"]}");
            for (int i = 0; i < 50; i++) {
                assertThat(parse(client.next(WAIT)).get("product_id").asText()).isEqualTo("PF_XBTUSD");
            }
        }
    }

    @Test
    void requestsTheVenueCannotReadAreAnsweredWithAnError() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            WsTestClient client = server.client();
            client.send("{\"event\":\"subscribe\",\"feed\":\"book\"");
            assertThat(client.next(WAIT)).isEqualTo("{\"event\":\"error\",\"message\":\"Json Error\"}");
            client.send("{\"event\":\"subscribe\",\"feed\":\"candles\",\"product_ids\":[\"PF_XBTUSD\"]}");
            assertThat(client.next(WAIT)).isEqualTo("{\"event\":\"error\",\"message\":\"Invalid feed\"}");
            client.send("{\"event\":\"subscribe\",\"feed\":\"book\",\"product_ids\":[]}");
            assertThat(client.next(WAIT)).isEqualTo("{\"event\":\"error\",\"message\":\"Json Error\"}");
            client.send("{\"event\":\"dance\"}");
            assertThat(client.next(WAIT)).isEqualTo("{\"event\":\"error\",\"message\":\"Json Error\"}");
            assertThat(client.ended()).isNotDone();
        }
    }

    @Test
    void unsubscribeStopsThatFeedAndRefusesWhatWasNotSubscribed() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            WsTestClient client = server.client();
            client.send("{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\"]}");
            client.send("{\"event\":\"subscribe\",\"feed\":\"trade\",\"product_ids\":[\"PF_XBTUSD\"]}");
            client.nextMatching(f -> isFeed(f, "trade"), WAIT);
            client.send(
                    "{\"event\":\"unsubscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}");
            client.nextMatching(
                    "{\"event\":\"unsubscribed\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\"]}"::equals, WAIT);
            assertThat(client.next(WAIT))
                    .isEqualTo(
                            "{\"event\":\"unsubscribed_failed\",\"feed\":\"ticker\",\"product_ids\":[\"PF_ETHUSD\"]}");
            // The session is one stage: nothing of the ticker can follow its unsubscribed answer.
            for (int i = 0; i < 100; i++) {
                assertThat(isFeed(client.next(WAIT), "trade")).isTrue();
            }
        }
    }

    @Test
    void theHeartbeatFeedIsAckedAndBeats() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            WsTestClient client = server.client();
            client.send(sample(5));
            assertThat(client.next(WAIT)).isEqualTo(sample(6));
            JsonNode beat = parse(client.next(WAIT));
            assertThat(keys(beat)).isEqualTo(keys(parse(sample(7))));
            assertThat(beat.get("time").asLong()).isPositive();
            client.send("{\"event\":\"unsubscribe\",\"feed\":\"heartbeat\"}");
            client.nextMatching("{\"event\":\"unsubscribed\",\"feed\":\"heartbeat\"}"::equals, WAIT);
        }
    }

    @Test
    void aPingIsAnsweredWithAPong() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            WsTestClient client = server.client();
            client.send("{\"event\":\"ping\"}");
            assertThat(client.next(WAIT)).isEqualTo("{\"event\":\"pong\"}");
        }
    }

    @Test
    void aSilentClientIsClosedAndAClientThatPingsIsNot() throws Exception {
        var settings = synthetic(20).withClientIdleTimeout(Duration.ofMillis(1500));
        try (KrakenFuturesTestServer server = KrakenFuturesTestServer.start(TESTKIT.system(), settings)) {
            WsTestClient silent = server.client();
            WsTestClient pinging = server.client();
            // Data does not count: only what the client sends does.
            silent.send("{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\"]}");
            for (int i = 0; i < 8; i++) {
                pinging.send("{\"event\":\"ping\"}");
                pinging.nextMatching("{\"event\":\"pong\"}"::equals, WAIT);
                assertThat(pinging.poll(Duration.ofMillis(300))).isNull();
            }
            assertThat(silent.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1000);
            assertThat(pinging.ended()).isNotDone();
        }
    }

    @Test
    void theRestEndpointIsTheInstrumentsListingBesideTheControlOnes() throws Exception {
        try (KrakenFuturesTestServer server = start(0)) {
            var instruments = server.http("GET", "/derivatives/api/v3/instruments", "");
            assertThat(instruments.statusCode()).isEqualTo(200);
            assertThat(instruments.body())
                    .startsWith("{\"result\":\"success\",\"instruments\":[")
                    .contains("\"symbol\":\"PF_XBTUSD\",\"type\":\"flexible_futures\",\"tickSize\":1,");
            assertThat(server.http("POST", "/control/instruments/PF_XBTUSD", "{\"tradeable\":false}")
                            .body())
                    .contains("\"tradeable\":false");
            assertThat(server.http("GET", "/derivatives/api/v3/tickers", "").statusCode())
                    .isEqualTo(404);
            assertThat(server.http("GET", "/control/sessions", "").body()).contains("\"open\":0");
        }
    }

    @Test
    void theStaticsGiveVenueShapedIdsAndTheExactSubscribeFrames() {
        assertThat(KrakenFuturesReplayServer.defaultInstruments()).startsWith("PF_XBTUSD", "PF_ETHUSD");
        List<String> ids = KrakenFuturesReplayServer.syntheticInstruments(7);
        assertThat(ids)
                .hasSize(7)
                .startsWith(KrakenFuturesReplayServer.defaultInstruments().toArray(String[]::new))
                .endsWith("PF_SYN0001USD", "PF_SYN0002USD")
                .doesNotHaveDuplicates();
        assertThat(KrakenFuturesReplayServer.syntheticInstruments(1)).containsExactly("PF_XBTUSD");
        assertThat(KrakenFuturesReplayServer.subscribeMessages(List.of("PF_XBTUSD")))
                .containsExactly(
                        "{\"event\":\"subscribe\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}",
                        "{\"event\":\"subscribe\",\"feed\":\"trade\",\"product_ids\":[\"PF_XBTUSD\"]}",
                        sample(2));
    }
}
