package io.ssmd.feeds.polymarket.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.polymarket.PolymarketBookCheck;
import io.ssmd.feeds.polymarket.PolymarketTestServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The market channel's protocol as a plain WebSocket client sees it: subscriptions, dumps, PING/PONG, idling. */
class PolymarketReplaySessionTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENS = PolymarketReplayServer.defaultInstruments();
    private static final List<String> SAMPLE = PolymarketTestServer.sampleLines();

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void nothingIsSentOnConnectAndPingIsAnsweredWithPlainTextPong() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            // The venue has no greeting: the first frame a client gets answers its first message.
            client.send("PING");
            assertThat(client.next(WAIT)).isEqualTo("PONG");
            client.send("PING");
            assertThat(client.next(WAIT)).isEqualTo("PONG");
        }
    }

    @Test
    void theInitialSubscriptionIsAnsweredWithOneArrayOfBooksShapedLikeTheVenues() throws Exception {
        JsonNode docRequest = JSON.readTree(SAMPLE.get(5));
        JsonNode docBook = JSON.readTree(SAMPLE.get(7));
        List<String> request = List.of(TOKENS.get(0), TOKENS.get(1), TOKENS.get(4));
        String subscribe = PolymarketReplayServer.subscribeMessages(request).get(0);
        assertThat(fields(JSON.readTree(subscribe))).isEqualTo(fields(docRequest));
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            client.send(subscribe);
            JsonNode dump = JSON.readTree(client.next(WAIT));
            assertThat(dump.isArray()).isTrue();
            assertThat(dump).extracting(book -> book.get("asset_id").asText()).containsExactlyElementsOf(request);
            PolymarketMarket btc = PolymarketUniverse.defaults().markets().get(0);
            for (JsonNode book : dump) {
                assertThat(book.get("event_type").asText()).isEqualTo("book");
                List<String> expected = new ArrayList<>(fields(docBook));
                expected.addAll(List.of("tick_size", "last_trade_price"));
                assertThat(fields(book)).isEqualTo(expected);
                assertThat(fields(book.get("bids").get(0)))
                        .isEqualTo(fields(docBook.get("bids").get(0)));
            }
            assertThat(dump.get(0).get("market").asText())
                    .isEqualTo(btc.conditionId())
                    .isEqualTo(dump.get(1).get("market").asText());
            // The two outcomes mirror: Up's best bid (last bid) is 1 − Down's best ask (last ask).
            assertThat(last(dump.get(0).get("bids")).add(last(dump.get(1).get("asks"))))
                    .isEqualByComparingTo("1");
            PolymarketBookCheck check = new PolymarketBookCheck();
            check.accept(dump.toString());
            for (int i = 0; i < 200; i++) {
                check.accept(client.next(WAIT));
            }
            assertThat(check.problems()).isEmpty();
        }
    }

    @Test
    void dynamicSubscribeDumpsTheNewAssetsAndUnsubscribeStopsTheirEvents() throws Exception {
        JsonNode docDynamic = JSON.readTree(SAMPLE.get(6));
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 200, 1);
                WsTestClient client = server.client()) {
            client.send("{\"assets_ids\":[\"" + TOKENS.get(2) + "\"],\"type\":\"market\"}");
            assertThat(JSON.readTree(client.next(WAIT)).get(0).get("asset_id").asText())
                    .isEqualTo(TOKENS.get(2));
            String subscribe = "{\"operation\":\"subscribe\",\"assets_ids\":[\"" + TOKENS.get(6) + "\"]}";
            assertThat(fields(JSON.readTree(subscribe))).isEqualTo(fields(docDynamic));
            client.send(subscribe);
            JsonNode dump = JSON.readTree(client.nextMatching(f -> f.startsWith("["), WAIT));
            assertThat(dump).hasSize(1);
            assertThat(dump.get(0).get("asset_id").asText()).isEqualTo(TOKENS.get(6));
            client.nextMatching(f -> f.contains(TOKENS.get(6)) && !f.startsWith("["), WAIT);
            client.send("{\"operation\":\"unsubscribe\",\"assets_ids\":[\"" + TOKENS.get(2) + "\"]}");
            // The session handles messages in order: after the PONG, nothing about the dropped asset comes.
            client.send("PING");
            client.nextMatching("PONG"::equals, WAIT);
            for (int i = 0; i < 50; i++) {
                String frame = client.next(WAIT);
                assertThat(frame).doesNotContain(TOKENS.get(2)).contains(TOKENS.get(6));
            }
        }
    }

    @Test
    void unknownAssetsAreIgnoredWithoutAWord() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            client.send("{\"assets_ids\":[\"123456789\"],\"type\":\"market\"}");
            client.send("not json at all");
            client.send("{\"operation\":\"subscribe\",\"assets_ids\":[\"987\",\"" + TOKENS.get(3) + "\"]}");
            JsonNode dump = JSON.readTree(client.next(WAIT));
            assertThat(dump).hasSize(1);
            assertThat(dump.get(0).get("asset_id").asText()).isEqualTo(TOKENS.get(3));
        }
    }

    @Test
    void initialDumpFalseSubscribesWithoutSnapshots() throws Exception {
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 100, 1);
                WsTestClient client = server.client()) {
            client.send("{\"assets_ids\":[\"" + TOKENS.get(0) + "\"],\"type\":\"market\",\"initial_dump\":false}");
            String first = client.next(WAIT);
            assertThat(first).doesNotStartWith("[").contains(TOKENS.get(0));
        }
    }

    @Test
    void aClientThatSendsNoPingIsClosedAndOneThatPingsIsNot() throws Exception {
        ReplaySettings settings =
                ReplaySettings.synthetic("polymarket", 0, 20, 1).withClientIdleTimeout(Duration.ofMillis(800));
        try (PolymarketTestServer server = PolymarketTestServer.start(TESTKIT, settings);
                WsTestClient silent = server.client();
                WsTestClient pinging = server.client()) {
            silent.send(PolymarketReplayServer.subscribeMessages(TOKENS).get(0));
            pinging.send(PolymarketReplayServer.subscribeMessages(TOKENS).get(0));
            // Data does not keep a connection alive on this venue: only the client's PING does.
            while (!silent.ended().isDone()) {
                pinging.send("PING");
                pinging.nextMatching("PONG"::equals, WAIT);
                silent.poll(Duration.ofMillis(150));
            }
            WsTestClient.Ended ended = silent.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.code()).isEqualTo(1000);
            pinging.send("PING");
            pinging.nextMatching("PONG"::equals, WAIT);
            assertThat(pinging.ended()).isNotDone();
        }
    }

    @Test
    void theDefaultIdleTimeoutIsSixtySecondsForWantOfADocumentedOne() {
        assertThat(PolymarketReplayServer.DEFAULT_CLIENT_IDLE_TIMEOUT).isEqualTo(Duration.ofSeconds(60));
        assertThat(PolymarketReplayServer.create(ReplaySettings.synthetic("polymarket", 0, 0, 1))
                        .websocketPath())
                .isEqualTo("/ws/market");
    }

    @Test
    void subscribeMessagesSplitLargeSubscriptionsIntoDynamicSubscribes() throws Exception {
        List<String> ids = PolymarketReplayServer.syntheticInstruments(1200);
        List<String> frames = PolymarketReplayServer.subscribeMessages(ids);
        assertThat(frames).hasSize(3);
        assertThat(JSON.readTree(frames.get(0)).get("type").asText()).isEqualTo("market");
        assertThat(JSON.readTree(frames.get(1)).get("operation").asText()).isEqualTo("subscribe");
        assertThat(JSON.readTree(frames.get(2)).get("assets_ids")).hasSize(200);
        assertThat(PolymarketReplayServer.subscribeMessages(List.of())).isEmpty();
    }

    private static java.math.BigDecimal last(JsonNode side) {
        return new java.math.BigDecimal(side.get(side.size() - 1).get("price").asText());
    }

    static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
