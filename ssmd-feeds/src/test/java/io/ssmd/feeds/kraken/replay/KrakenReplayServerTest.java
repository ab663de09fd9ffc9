package io.ssmd.feeds.kraken.replay;

import static io.ssmd.feeds.kraken.KrakenTestServer.WAIT;
import static io.ssmd.feeds.kraken.KrakenTestServer.json;
import static io.ssmd.feeds.kraken.KrakenTestServer.keys;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.kraken.KrakenChecksumTest;
import io.ssmd.feeds.kraken.KrakenTestServer;
import io.ssmd.feeds.replay.WsTestClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kraken spot v2 protocol as a plain WebSocket client sees it: greeting, acks and refusals in the exact shape of
 * the real frames (exchanges/kraken/messages.jsonl), ping/pong, heartbeats and the close of a silent client.
 */
class KrakenReplayServerTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static List<String> sample;

    @BeforeAll
    static void readSample() throws Exception {
        sample = KrakenChecksumTest.sampleLines();
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    /** The sample file's line {@code n} (from 1, as sources.tsv numbers them), parsed. */
    private static JsonNode line(int n) {
        return json(sample.get(n - 1));
    }

    private static KrakenTestServer server(int rate) {
        return KrakenTestServer.start(TESTKIT.system(), KrakenTestServer.synthetic(rate, 1));
    }

    @Test
    void greetsWithStatusShapedLikeTheRealOne() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.client()) {
            JsonNode status = json(client.next(WAIT));
            assertThat(keys(status)).isEqualTo(keys(line(1)));
            assertThat(keys(status.get("data").get(0)))
                    .isEqualTo(keys(line(1).get("data").get(0)));
            assertThat(status.get("data").get(0).get("system").asText()).isEqualTo("online");
            // Above 2^53, like the real ids: a client must not read it as a double.
            BigInteger id = status.get("data").get(0).get("connection_id").bigIntegerValue();
            assertThat(id).isGreaterThan(BigInteger.TWO.pow(53)).isLessThan(BigInteger.TWO.pow(64));
        }
    }

    @Test
    void acksEachSymbolSeparatelyThenSendsSnapshots() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"USDT/USD\","
                    + "\"BTC/USD\"]}}");
            JsonNode first = json(client.next(WAIT));
            JsonNode second = json(client.next(WAIT));
            assertThat(keys(first)).isEqualTo(keys(line(6)));
            assertThat(first.get("result")).isEqualTo(line(6).get("result"));
            assertThat(second.get("result").get("symbol").asText()).isEqualTo("BTC/USD");
            JsonNode snapshot = json(client.next(WAIT));
            assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
            assertThat(keys(snapshot.get("data").get(0)))
                    .isEqualTo(keys(line(8).get("data").get(0)));
            assertThat(json(client.next(WAIT)).get("data").get(0).get("symbol").asText())
                    .isEqualTo("BTC/USD");

            client.send(line(10).toString());
            JsonNode bookAck = json(client.nextMatching(f -> f.startsWith("{\"method\""), WAIT));
            assertThat(keys(bookAck))
                    .containsExactly(
                            "method",
                            "req_id",
                            "result",
                            "result.channel",
                            "result.depth",
                            "result.snapshot",
                            "result.symbol",
                            "success",
                            "time_in",
                            "time_out");
            assertThat(bookAck.get("req_id").asInt()).isEqualTo(1);
            assertThat(bookAck.get("result").get("depth").asInt()).isEqualTo(10);
            JsonNode book =
                    json(client.nextMatching(f -> f.startsWith("{\"channel\":\"book\",\"type\":\"snapshot\""), WAIT));
            assertThat(keys(book.get("data").get(0)))
                    .containsExactly("symbol", "bids", "asks", "checksum", "timestamp");
            assertThat(book.get("data").get(0).get("bids")).hasSize(10);

            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"ETH/USD\"]}}");
            JsonNode trades = json(client.nextMatching(f -> f.startsWith("{\"channel\":\"trade\""), WAIT));
            assertThat(trades.get("type").asText()).isEqualTo("snapshot");
            assertThat(trades.get("data")).hasSize(KrakenSyntheticTape.SNAPSHOT_TRADES);
            assertThat(keys(trades.get("data").get(0)))
                    .isEqualTo(keys(line(13).get("data").get(0)));
        }
    }

    @Test
    void refusesTheWayKrakenDoes() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"NOPE/USD\"]}}");
            JsonNode unknown = json(client.next(WAIT));
            assertThat(keys(unknown)).isEqualTo(keys(line(7)));
            assertThat(unknown.get("error").asText()).isEqualTo("Currency pair not supported NOPE/USD");
            assertThat(unknown.get("symbol").asText()).isEqualTo("NOPE/USD");

            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\"],"
                    + "\"depth\":27,\"snapshot\":true}}");
            JsonNode depth = json(client.next(WAIT));
            assertThat(keys(depth)).isEqualTo(keys(line(4)));
            assertThat(depth.get("error")).isEqualTo(line(4).get("error"));

            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\"]},"
                    + "\"req_id\":5}");
            client.nextMatching(f -> f.startsWith("{\"channel\":\"ticker\""), WAIT);
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\"]},"
                    + "\"req_id\":6}");
            JsonNode again = json(client.nextMatching(f -> f.startsWith("{\"error\""), WAIT));
            assertThat(keys(again))
                    .containsExactly("error", "method", "req_id", "success", "symbol", "time_in", "time_out");
            assertThat(again.get("error").asText()).isEqualTo("Already subscribed");

            client.send("{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\","
                    + "\"ETH/USD\"]},\"req_id\":7}");
            JsonNode unsubscribed = json(client.nextMatching(f -> f.startsWith("{\"method\":\"unsubscribe\""), WAIT));
            assertThat(unsubscribed.get("result").toString())
                    .isEqualTo("{\"channel\":\"ticker\",\"event_trigger\":\"trades\",\"symbol\":\"BTC/USD\"}");
            JsonNode notFound = json(client.nextMatching(f -> f.startsWith("{\"error\""), WAIT));
            assertThat(notFound.get("error").asText()).isEqualTo("Subscription Not Found");
            assertThat(notFound.get("symbol").asText()).isEqualTo("ETH/USD");

            client.send("not json");
            assertThat(json(client.nextMatching(f -> f.startsWith("{\"error\""), WAIT))
                            .get("success")
                            .asBoolean())
                    .isFalse();
            assertThat(client.ended()).isNotDone();
        }
    }

    @Test
    void answersPingsWithPongsLikeTheDocsExample() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            client.send(sample.get(13));
            JsonNode pong = json(client.next(WAIT));
            assertThat(keys(pong)).isEqualTo(keys(line(15)));
            assertThat(pong.get("req_id").asInt()).isEqualTo(101);
            client.send("{\"method\":\"ping\"}");
            assertThat(keys(json(client.next(WAIT)))).containsExactly("method", "time_in", "time_out");
        }
    }

    @Test
    void heartbeatsOnlyAfterASubscriptionAndOnlyWhenQuiet() throws Exception {
        try (KrakenTestServer server = server(0);
                WsTestClient client = server.connected()) {
            // Nothing subscribed yet: a second and a half of nothing, where a heartbeat would be due.
            assertThat(client.poll(Duration.ofMillis(1_500))).isNull();
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\"],"
                    + "\"snapshot\":false}}");
            client.next(WAIT);
            // Streaming at full speed: data every moment, so no heartbeat among many frames.
            for (int i = 0; i < 500; i++) {
                assertThat(client.next(WAIT)).startsWith("{\"channel\":\"ticker\"");
            }
            client.send("{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\"]}}");
            client.nextMatching(f -> f.startsWith("{\"method\":\"unsubscribe\""), WAIT);
            // Quiet now: heartbeats, bare, with no type.
            assertThat(client.nextMatching(f -> !f.startsWith("{\"channel\":\"ticker\""), WAIT))
                    .isEqualTo(sample.get(15));
            assertThat(client.next(WAIT)).isEqualTo("{\"channel\":\"heartbeat\"}");
        }
    }

    @Test
    void closesAClientThatSendsNothing() throws Exception {
        var settings = KrakenTestServer.synthetic(10, 1).withClientIdleTimeout(Duration.ofMillis(700));
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), settings);
                WsTestClient silent = server.connected();
                WsTestClient talking = server.connected()) {
            talking.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\"]}}");
            List<String> pongs = new ArrayList<>();
            while (!silent.ended().isDone()) {
                talking.send("{\"method\":\"ping\",\"req_id\":" + pongs.size() + "}");
                pongs.add(talking.nextMatching(f -> f.startsWith("{\"method\":\"pong\""), WAIT));
            }
            assertThat(silent.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(1000);
            assertThat(talking.ended()).isNotDone();
        }
    }

    @Test
    void aGivenUniverseIsAllThatCanBeSubscribed() throws Exception {
        var settings = KrakenTestServer.synthetic(0, 1).withInstruments(List.of("BTC/USD", "SAAA/USD"));
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), settings);
                WsTestClient client = server.connected()) {
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"SAAA/USD\","
                    + "\"ETH/USD\"],\"snapshot\":false}}");
            assertThat(json(client.next(WAIT)).get("success").asBoolean()).isTrue();
            assertThat(json(client.next(WAIT)).get("error").asText()).isEqualTo("Currency pair not supported ETH/USD");
            assertThat(json(server.http("GET", "/0/public/AssetPairs", "").body())
                            .get("result")
                            .size())
                    .isEqualTo(2);
        }
    }
}
