package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client protocol of {@code /v1/stream}: replies, errors that leave the connection open, raw frames, status. */
class GatewayProtocolTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static GatewayTestNode node;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        node = GatewayTestNode.start(
                NATS,
                List.of("alpha", "beta"),
                GatewayTestNode.spec(1000, Duration.ofSeconds(30)),
                Map.of(
                        "alpha", List.of("ETH/USD", "KXETHD-26FEB1217-T1819.99"),
                        // A Polymarket-style feed: its markets are known by asset id and by condition id.
                        "beta", List.of("7123", "0xmarket")));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void badMessagesGetAnErrorEachAndTheConnectionStaysOpen() {
        try (WsClient client = WsClient.connect(http, node.streamUri(""))) {
            List<String> bad = List.of(
                    "not json",
                    "[1,2]",
                    "{\"symbols\":[\"BTC/USD\"]}",
                    "{\"action\":\"dance\"}",
                    "{\"action\":7}",
                    "{\"action\":\"subscribe\",\"symbols\":\"BTC/USD\"}",
                    "{\"action\":\"subscribe\",\"symbols\":[1]}",
                    "{\"action\":\"subscribe\"}",
                    "{\"action\":\"subscribe\",\"feeds\":[\"gamma\"]}",
                    "{\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\"],\"types\":[\"candles\"]}",
                    "{\"action\":\"subscribe\",\"symbol\":[\"BTC/USD\"]}");
            bad.forEach(client::send);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.ofType("error").size() == bad.size());

            List<String> reasons = client.ofType("error").stream()
                    .map(e -> e.path("reason").asText())
                    .toList();
            assertThat(reasons.get(0)).startsWith("not JSON");
            assertThat(reasons.get(3)).contains("unknown action \"dance\"");
            assertThat(reasons.get(5)).contains("\"symbols\" must be an array");
            assertThat(reasons.get(7)).contains("at least one of");
            assertThat(reasons.get(8)).contains("unknown feed \"gamma\"").contains("alpha");
            assertThat(reasons.get(9)).contains("unknown type \"candles\"");
            assertThat(reasons.get(10)).contains("unknown field(s) [symbol]");

            // 2 feeds x 127 symbols x 4 types is just past the limit, in a message under the 64 KiB one.
            int limit = GatewaySpec.DEFAULT_MAX_SUBSCRIPTIONS;
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < limit / 8 + 2; i++) {
                many.append(i == 0 ? "" : ",").append('"').append(i).append('"');
            }
            client.send("{\"action\":\"subscribe\",\"feeds\":[\"alpha\",\"beta\"],\"symbols\":[" + many
                    + "],\"types\":[\"trade\",\"ticker\",\"orderbook\",\"lifecycle\"]}");
            assertThat(client.awaitMessage(m -> m.path("reason").asText().startsWith("subscription too large"))
                            .path("reason")
                            .asText())
                    .contains("0 + " + (2 * (limit / 8 + 2) * 4))
                    .contains("at most " + limit);

            client.send("{\"action\":\"ping\",\"id\":42}");
            JsonNode pong = client.awaitMessage(m -> m.path("type").asText().equals("pong"));
            assertThat(pong.path("id").asInt()).isEqualTo(42);
            assertThat(client.closed()).isNotDone();
        }
    }

    @Test
    void binaryAndOverlongMessagesAreRefusedWithAReason() {
        try (WsClient client = WsClient.connect(http, node.streamUri(""))) {
            client.sendBinary(new byte[] {1, 2});
            JsonNode error = client.awaitMessage(m -> m.path("type").asText().equals("error"));
            assertThat(error.path("reason").asText()).contains("binary");
            client.send("{\"action\":\"ping\",\"id\":\"" + "x".repeat(StreamRoute.MAX_CLIENT_MESSAGE_CHARS) + "\"}");
            client.awaitMessage(m -> m.path("reason").asText().contains("longer than"));
            client.send("{\"action\":\"ping\"}");
            client.awaitMessage(m -> m.path("type").asText().equals("pong"));
        }
    }

    @Test
    void aSubscriberGetsNormalizedEventsAndWithRawTheVenueMessageToo() {
        try (WsClient plain = WsClient.connect(http, node.streamUri(""));
                WsClient raw = WsClient.connect(http, node.streamUri("raw=true"))) {
            for (WsClient client : List.of(plain, raw)) {
                client.send("{\"action\":\"subscribe\",\"symbols\":[\"ETH/USD\"],\"types\":[\"trade\"]}");
                JsonNode ack = client.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
                assertThat(ack.path("symbols").get(0).asText()).isEqualTo("ETH/USD");
            }
            String frame = "{\"kind\":\"trade\",\"instrument\":\"ETH/USD\",\"price\":\"3000.10\",\"size\":\"0.5\","
                    + "\"id\":\"t1\",\"ts\":1700000000000000}";
            node.publish(
                    "alpha", "ticker", "ETH/USD", "{\"kind\":\"ticker\",\"instrument\":\"ETH/USD\",\"last\":\"1\"}");
            node.publish("alpha", "trade", "ETH/USD", frame);

            JsonNode trade = plain.awaitMessage(m -> m.path("type").asText().equals("trade"));
            assertThat(trade.path("feed").asText()).isEqualTo("alpha");
            assertThat(trade.path("ticker").asText()).isEqualTo("ETH/USD");
            assertThat(trade.path("price").asText()).isEqualTo("3000.10");
            assertThat(trade.path("ts").asLong()).isEqualTo(1700000000000000L);
            assertThat(trade.has("raw")).isFalse();
            JsonNode rawTrade = raw.awaitMessage(m -> m.path("type").asText().equals("trade"));
            assertThat(rawTrade.path("raw").path("id").asText()).isEqualTo("t1");
            assertThat(rawTrade.path("raw").path("price").asText()).isEqualTo("3000.10");
            // The ticker was not asked for: only the ack and the trade arrived.
            assertThat(plain.messages())
                    .extracting(m -> m.path("type").asText())
                    .containsExactly("subscribed", "trade");
        }
    }

    @Test
    void controlEventsReachSubscribersOfTheFeedAsStatus() {
        try (WsClient subscribed = WsClient.connect(http, node.streamUri(""));
                WsClient other = WsClient.connect(http, node.streamUri(""))) {
            subscribed.send("{\"action\":\"subscribe\",\"feeds\":[\"beta\"],\"types\":[\"trade\"]}");
            other.send("{\"action\":\"subscribe\",\"feeds\":[\"alpha\"]}");
            subscribed.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
            other.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
            node.publishOn(
                    node.env() + ".beta.control.disconnected.beta-0",
                    "beta",
                    "{\"event\":\"disconnected\",\"feed\":\"beta\",\"shard\":\"beta-0\",\"epoch\":1,\"ts\":2,"
                            + "\"reason\":\"venue closed the socket\",\"instruments\":[\"X\"]}");
            JsonNode status =
                    subscribed.awaitMessage(m -> m.path("type").asText().equals("status"));
            assertThat(status.path("event").asText()).isEqualTo("disconnected");
            assertThat(status.path("shard").asText()).isEqualTo("beta-0");
            assertThat(status.path("reason").asText()).isEqualTo("venue closed the socket");
            // A fence through the same outbox: the other client has had its chance to get a status, and did not.
            other.send("{\"action\":\"ping\"}");
            other.awaitMessage(m -> m.path("type").asText().equals("pong"));
            assertThat(other.ofType("status")).isEmpty();
        }
    }

    /**
     * A publish_failed range is one status to each subscriber of its feed, whatever symbol they chose (the range
     * names subject tokens, here a condition id for a client of its asset), with the range's times and count.
     */
    @Test
    void aPublishFailedRangeIsOneStatusToTheFeedsSubscribers() {
        try (WsClient subscribed = WsClient.connect(http, node.streamUri(""));
                WsClient other = WsClient.connect(http, node.streamUri(""))) {
            subscribed.send("{\"action\":\"subscribe\",\"feeds\":[\"beta\"],\"symbols\":[\"7123\"]}");
            other.send("{\"action\":\"subscribe\",\"feeds\":[\"alpha\"]}");
            subscribed.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
            other.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
            node.publishOn(
                    node.env() + ".beta.control.publish_failed.beta-0",
                    "beta",
                    new String(
                            ControlEvent.publishFailed(
                                            "beta",
                                            "beta-0",
                                            1,
                                            50,
                                            "4321 messages not acked",
                                            List.of("0xmarket"),
                                            1,
                                            10,
                                            40,
                                            4321)
                                    .toJson(),
                            StandardCharsets.UTF_8));

            JsonNode status =
                    subscribed.awaitMessage(m -> m.path("type").asText().equals("status"));
            assertThat(status.path("event").asText()).isEqualTo("publish_failed");
            assertThat(status.path("first").asLong()).isEqualTo(10);
            assertThat(status.path("last").asLong()).isEqualTo(40);
            assertThat(status.path("count").asLong()).isEqualTo(4321);
            assertThat(status.path("instruments").get(0).asText()).isEqualTo("0xmarket");
            // Fences through the same outboxes: one status, and none for the other feed's client.
            subscribed.send("{\"action\":\"ping\"}");
            subscribed.awaitMessage(m -> m.path("type").asText().equals("pong"));
            assertThat(subscribed.ofType("status")).hasSize(1);
            other.send("{\"action\":\"ping\"}");
            other.awaitMessage(m -> m.path("type").asText().equals("pong"));
            assertThat(other.ofType("status")).isEmpty();
        }
    }

    @Test
    void categorizedSubjectsAndMarketIdsReachTheirSubscribers() {
        try (WsClient byAsset = WsClient.connect(http, node.streamUri(""));
                WsClient byMarket = WsClient.connect(http, node.streamUri(""))) {
            byAsset.send("{\"action\":\"subscribe\",\"symbols\":[\"KXETHD-26FEB1217-T1819.99\",\"7123\"]}");
            byMarket.send("{\"action\":\"subscribe\",\"feeds\":[\"beta\"],\"symbols\":[\"0xmarket\"]}");
            byAsset.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
            byMarket.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
            // Kalshi's form, with a category token: {env}.{feed}.{category}.json.{type}.{token}
            node.publishOn(
                    node.env() + ".alpha.climate_and_weather.json.trade.KXETHD-26FEB1217-T1819_99",
                    "alpha",
                    "{\"kind\":\"trade\",\"instrument\":\"KXETHD-26FEB1217-T1819.99\",\"price\":\"0.42\","
                            + "\"size\":\"3\",\"id\":\"k1\"}");
            // Polymarket's form: the token is the market (condition id), the event names the asset.
            node.publishOn(
                    node.env() + ".beta.json.trade.0xmarket",
                    "beta",
                    "{\"kind\":\"trade\"," + "\"instrument\":\"7123\",\"price\":\"0.5\",\"size\":\"1\",\"id\":\"p1\"}");

            JsonNode kalshi =
                    byAsset.awaitMessage(m -> m.path("tradeId").asText().equals("k1"));
            assertThat(kalshi.path("ticker").asText()).isEqualTo("KXETHD-26FEB1217-T1819.99");
            assertThat(byAsset.awaitMessage(m -> m.path("tradeId").asText().equals("p1"))
                            .path("ticker")
                            .asText())
                    .isEqualTo("7123");
            JsonNode byCondition =
                    byMarket.awaitMessage(m -> m.path("tradeId").asText().equals("p1"));
            assertThat(byCondition.path("ticker").asText()).isEqualTo("7123");
            byMarket.send("{\"action\":\"ping\"}");
            byMarket.awaitMessage(m -> m.path("type").asText().equals("pong"));
            assertThat(byMarket.ofType("trade")).hasSize(1);
        }
    }
}
