package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.testkit.NatsServerExtension;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one client, or many, can make the gateway hold: subscriptions only to instruments a feed carries (a bogus
 * symbol is refused by name and costs nothing), at most {@code max-subscriptions-per-client} each, at most
 * {@code max-clients} connections; and a flood of bogus subscriptions takes nothing from the other clients.
 */
class GatewayLimitsTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void aBogusSymbolIsRefusedByNameAndAnAssignedOneWorksBeforeItsFirstTrade() throws Exception {
        try (GatewayTestNode node = GatewayTestNode.start(
                        NATS,
                        List.of("alpha", "beta"),
                        GatewayTestNode.spec(1000, Duration.ofSeconds(30)),
                        Map.of("alpha", List.of("BTC/USD"), "beta", List.of("ETH/USD")));
                WsClient client = WsClient.connect(HttpClient.newHttpClient(), node.streamUri(""))) {
            client.send("{\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\",\"NOPE\"],\"types\":[\"trade\"]}");
            JsonNode ack = client.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
            assertThat(strings(ack.path("symbols"))).containsExactly("BTC/USD");
            JsonNode refused = client.awaitMessage(m -> m.path("type").asText().equals("error"));
            assertThat(strings(refused.path("symbols"))).containsExactly("NOPE");
            assertThat(refused.path("reason").asText())
                    .contains("unknown symbol \"NOPE\"")
                    .contains("not subscribed");

            // Known in alpha, not in beta: naming only beta refuses it, and nothing of beta is subscribed instead.
            client.send("{\"action\":\"subscribe\",\"feeds\":[\"beta\"],\"symbols\":[\"BTC/USD\"]}");
            client.awaitMessage(m -> m.path("type").asText().equals("error")
                    && m.path("reason").asText().contains("of beta"));

            node.publish("beta", "trade", "ETH/USD", trade("ETH/USD", "b1"));
            node.publish("alpha", "trade", "BTC/USD", trade("BTC/USD", "a1"));
            assertThat(client.awaitMessage(m -> m.path("type").asText().equals("trade"))
                            .path("tradeId")
                            .asText())
                    .isEqualTo("a1");
            client.send("{\"action\":\"ping\"}");
            client.awaitMessage(m -> m.path("type").asText().equals("pong"));
            assertThat(client.ofType("trade")).hasSize(1);
            assertThat(client.ofType("subscribed")).hasSize(1);
            assertThat(node.gateway().core().subscriptionCount()).isEqualTo(1);
            // The seeds' gauge reads the same index: the refused symbols are not in it.
            assertThat(subscriptionsActive(node)).isEqualTo(1);
            client.send("{\"action\":\"unsubscribe\",\"symbols\":[\"BTC/USD\"],\"types\":[\"trade\"]}");
            client.awaitMessage(m -> m.path("type").asText().equals("unsubscribed"));
            assertThat(subscriptionsActive(node)).isZero();
        }
    }

    private static double subscriptionsActive(GatewayTestNode node) {
        return node.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_gateway_subscriptions_active"))
                .map(m -> ((GaugeSnapshot) m).getDataPoints().get(0).getValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("ssmd_gateway_subscriptions_active is not registered"));
    }

    @Test
    void aGatewayServesAtMostMaxClientsAndTheRestAreRefusedWithAReason() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (GatewayTestNode node = GatewayTestNode.start(
                        NATS,
                        List.of("alpha"),
                        GatewayTestNode.spec(1000, Duration.ofSeconds(30)).withLimits(2, 10),
                        Map.of());
                WsClient first = WsClient.connect(http, node.streamUri(""))) {
            try (WsClient second = WsClient.connect(http, node.streamUri(""))) {
                await().atMost(PATIENCE).until(() -> node.gateway().core().clientCount() == 2);
                assertThatThrownBy(() -> WsClient.connect(http, node.streamUri("")))
                        .isInstanceOf(CompletionException.class)
                        .cause()
                        .isInstanceOfSatisfying(WebSocketHandshakeException.class, e -> {
                            assertThat(e.getResponse().statusCode()).isEqualTo(503);
                            assertThat(String.valueOf(e.getResponse().body())).contains("gateway.max-clients");
                        });
                assertThat(node.gateway().core().clientCount()).isEqualTo(2);
            }
            await().atMost(PATIENCE).until(() -> node.gateway().core().clientCount() == 1);
            try (WsClient again = WsClient.connect(http, node.streamUri(""))) {
                again.send("{\"action\":\"ping\"}");
                again.awaitMessage(m -> m.path("type").asText().equals("pong"));
            }
        }
    }

    /**
     * 1,000 connections, each subscribing to as many bogus symbols as it may hold, while two clients of a real
     * instrument receive a stream of trades: the flood adds nothing to the subscription index, each flooding client is
     * told which symbols were refused, and the two others receive every trade, once.
     */
    @Test
    void aThousandClientsOfBogusSymbolsHoldNothingAndTheOthersGetEveryMessage() throws Exception {
        int flooders = 1_000;
        int cap = GatewaySpec.DEFAULT_MAX_SUBSCRIPTIONS;
        int trades = 500;
        try (GatewayTestNode node = GatewayTestNode.start(
                NATS,
                List.of("alpha"),
                GatewayTestNode.spec(10_000, Duration.ofSeconds(60)).withLimits(flooders + 2, cap),
                Map.of("alpha", List.of("BTC/USD")))) {
            HttpClient http = HttpClient.newHttpClient();
            List<WsClient> watchers = new ArrayList<>();
            List<WsClient> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    WsClient watcher = WsClient.connect(http, node.streamUri(""));
                    watcher.send("{\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\"],\"types\":[\"trade\"]}");
                    watcher.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
                    watchers.add(watcher);
                }
                long heapBefore = usedHeapAfterGc();
                int published = 0;
                for (int c = 0; c < flooders; c++) {
                    WsClient client = WsClient.connect(http, node.streamUri(""));
                    client.send(bogusSubscribe(c, cap));
                    flood.add(client);
                    if (c % (flooders / trades) == 0) {
                        node.publish("alpha", "trade", "BTC/USD", trade("BTC/USD", "t" + published++));
                    }
                }
                while (published < trades) {
                    node.publish("alpha", "trade", "BTC/USD", trade("BTC/USD", "t" + published++));
                }
                await().atMost(PATIENCE)
                        .until(() ->
                                flood.stream().allMatch(f -> !f.ofType("error").isEmpty()));
                for (WsClient watcher : watchers) {
                    await().atMost(PATIENCE).until(() -> watcher.ofType("trade").size() >= trades);
                }

                for (WsClient client : flood) {
                    JsonNode refused = client.ofType("error").get(0);
                    assertThat(refused.path("symbols").size()).isEqualTo(cap);
                    assertThat(refused.path("reason").asText()).contains("and " + (cap - 10) + " more");
                    assertThat(client.ofType("subscribed")).isEmpty();
                    // What the test's client kept of the reply is not the gateway's.
                    client.forget();
                }
                assertThat(node.gateway().core().clientCount()).isEqualTo(flooders + 2);
                assertThat(node.gateway().core().subscriptionCount())
                        .as("only the two watchers' subscriptions are held")
                        .isEqualTo(2);
                for (WsClient watcher : watchers) {
                    watcher.send("{\"action\":\"ping\"}");
                    watcher.awaitMessage(m -> m.path("type").asText().equals("pong"));
                    assertThat(watcher.ofType("trade"))
                            .extracting(m -> m.path("tradeId").asText())
                            .hasSize(trades)
                            .doesNotHaveDuplicates();
                    assertThat(watcher.ofType("lag")).isEmpty();
                }
                long heapAfter = usedHeapAfterGc();
                System.out.printf(
                        "gateway limits: %,d clients x %,d bogus symbols: used heap %,d MB before, %,d MB after"
                                + " (both after GC, with every connection open; the test JVM holds the client side too)%n",
                        flooders, cap, heapBefore >> 20, heapAfter >> 20);
                assertThat(heapAfter - heapBefore)
                        .as("heap grown by a thousand connections (the server and the client side of each)")
                        .isLessThan(256L << 20);
            } finally {
                flood.forEach(WsClient::close);
                watchers.forEach(WsClient::close);
            }
        }
    }

    private static String bogusSubscribe(int client, int count) {
        StringBuilder symbols = new StringBuilder();
        for (int i = 0; i < count; i++) {
            symbols.append(i == 0 ? "" : ",")
                    .append("\"BOGUS-")
                    .append(client)
                    .append('-')
                    .append(i)
                    .append('"');
        }
        return "{\"action\":\"subscribe\",\"symbols\":[" + symbols + "]}";
    }

    private static String trade(String instrument, String id) {
        return "{\"kind\":\"trade\",\"instrument\":\"" + instrument + "\",\"price\":\"1.5\",\"size\":\"2\",\"id\":\""
                + id + "\"}";
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
