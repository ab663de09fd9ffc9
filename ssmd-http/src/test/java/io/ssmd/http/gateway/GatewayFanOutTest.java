package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.api.PublishAck;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 200 concurrent clients with different subscriptions (by symbol, by feed, by type, combined, and one narrowed by an
 * unsubscribe) each receive exactly their events: the same set as a filter over what was published, once each, in
 * stream order per feed.
 */
class GatewayFanOutTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final List<String> FEEDS = List.of("alpha", "beta");
    private static final int CLIENTS = 200;
    private static final int SYMBOLS = 10;
    private static final int PER_KEY = 5;

    /** One published event, as a client would identify it. */
    record Event(String feed, String symbol, String type, String id) {

        static Event of(JsonNode message) {
            String type = message.path("type").asText();
            return new Event(
                    message.path("feed").asText(),
                    message.path("ticker").asText(),
                    type,
                    type.equals("trade")
                            ? message.path("tradeId").asText()
                            : message.path("last").asText());
        }
    }

    /** What a client subscribed to, as messages to send and as the filter of what it should get. */
    record Plan(List<String> commands, Predicate<Event> wants) {}

    @Test
    void everyClientReceivesExactlyItsEvents() throws Exception {
        try (GatewayTestNode node =
                GatewayTestNode.start(NATS, FEEDS, GatewayTestNode.spec(10_000, Duration.ofSeconds(60)), assigned())) {
            HttpClient http = HttpClient.newHttpClient();
            List<WsClient> clients = new ArrayList<>();
            List<Plan> plans = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Plan plan = plan(i);
                    WsClient client = WsClient.connect(http, node.streamUri(""));
                    plan.commands().forEach(client::send);
                    clients.add(client);
                    plans.add(plan);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> allAcknowledged(clients, plans));

                List<Event> published = new ArrayList<>();
                Map<String, Long> lastSeq = new HashMap<>();
                int n = 0;
                for (int round = 0; round < PER_KEY; round++) {
                    for (String feed : FEEDS) {
                        for (int s = 0; s < SYMBOLS; s++) {
                            String symbol = symbol(s);
                            String trade = "t" + (++n);
                            PublishAck ack = node.publish(
                                    feed,
                                    "trade",
                                    symbol,
                                    "{\"kind\":\"trade\",\"instrument\":\"" + symbol
                                            + "\",\"price\":\"1.5\",\"size\":\"2\",\"id\":\"" + trade + "\"}");
                            published.add(new Event(feed, symbol, "trade", trade));
                            String last = Integer.toString(++n);
                            PublishAck tickerAck = node.publish(
                                    feed,
                                    "ticker",
                                    symbol,
                                    "{\"kind\":\"ticker\"," + "\"instrument\":\"" + symbol + "\",\"last\":\"" + last
                                            + "\"}");
                            published.add(new Event(feed, symbol, "ticker", last));
                            lastSeq.put(feed, Math.max(ack.getSeqno(), tickerAck.getSeqno()));
                        }
                    }
                }
                for (String feed : FEEDS) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> node.gateway().streamPosition(feed) == lastSeq.get(feed));
                }
                // Everything offered to a client is now in its outbox: a pong queued after it is a fence.
                clients.forEach(c -> c.send("{\"action\":\"ping\",\"id\":\"fence\"}"));
                await().atMost(Duration.ofSeconds(30))
                        .until(() ->
                                clients.stream().allMatch(c -> !c.ofType("pong").isEmpty()));
                int total = 0;
                for (int i = 0; i < CLIENTS; i++) {
                    WsClient client = clients.get(i);
                    client.awaitMessage(m -> m.path("type").asText().equals("pong"));
                    List<Event> expected =
                            published.stream().filter(plans.get(i).wants()).toList();
                    List<Event> got = client.messages().stream()
                            .filter(m -> m.path("type").asText().equals("trade")
                                    || m.path("type").asText().equals("ticker"))
                            .map(Event::of)
                            .toList();
                    assertThat(got)
                            .as("client %d (plan %d)", i, i % 5)
                            .hasSameSizeAs(expected)
                            .containsExactlyInAnyOrderElementsOf(expected);
                    for (String feed : FEEDS) {
                        assertThat(got.stream()
                                        .filter(e -> e.feed().equals(feed))
                                        .toList())
                                .as("client %d, stream order of %s", i, feed)
                                .containsExactlyElementsOf(expected.stream()
                                        .filter(e -> e.feed().equals(feed))
                                        .toList());
                    }
                    assertThat(client.ofType("error")).as("client %d errors", i).isEmpty();
                    total += expected.size();
                }
                assertThat(total).as("events delivered in all").isGreaterThan(CLIENTS * 10);
                assertThat(node.gateway().metrics().droppedTotal()).isZero();
            } finally {
                clients.forEach(WsClient::close);
            }
        }
    }

    private static boolean allAcknowledged(List<WsClient> clients, List<Plan> plans) {
        for (int i = 0; i < clients.size(); i++) {
            if (clients.get(i).messages().size() < plans.get(i).commands().size()) {
                return false;
            }
        }
        return true;
    }

    private static String symbol(int n) {
        return "S" + n + "/USD";
    }

    private static Plan plan(int i) {
        String symbol = symbol(i % SYMBOLS);
        String other = symbol((i + 3) % SYMBOLS);
        String feed = FEEDS.get(i % 2);
        return switch (i % 5) {
            case 0 ->
                new Plan(
                        List.of(subscribe("\"symbols\":[\"" + symbol + "\"]")),
                        e -> e.symbol().equals(symbol));
            case 1 ->
                new Plan(
                        List.of(subscribe("\"feeds\":[\"" + feed + "\"]")),
                        e -> e.feed().equals(feed));
            case 2 ->
                new Plan(
                        List.of(subscribe("\"symbols\":[\"" + symbol + "\",\"" + other + "\"],\"types\":[\"trade\"]")),
                        e -> (e.symbol().equals(symbol) || e.symbol().equals(other))
                                && e.type().equals("trade"));
            case 3 ->
                new Plan(
                        List.of(subscribe(
                                "\"feeds\":[\"beta\"],\"symbols\":[\"" + symbol + "\"],\"types\":[\"ticker\"]")),
                        e -> e.feed().equals("beta")
                                && e.symbol().equals(symbol)
                                && e.type().equals("ticker"));
            default ->
                new Plan(
                        List.of(
                                subscribe("\"feeds\":[\"alpha\"],\"types\":[\"trade\",\"ticker\"]"),
                                "{\"action\":\"unsubscribe\",\"feeds\":[\"alpha\"],\"types\":[\"ticker\"]}"),
                        e -> e.feed().equals("alpha") && e.type().equals("trade"));
        };
    }

    /** Every feed's shards carry every symbol, so the clients may subscribe before the first event. */
    private static Map<String, List<String>> assigned() {
        List<String> symbols = java.util.stream.IntStream.range(0, SYMBOLS)
                .mapToObj(GatewayFanOutTest::symbol)
                .toList();
        return Map.of("alpha", symbols, "beta", symbols);
    }

    private static String subscribe(String fields) {
        return "{\"action\":\"subscribe\"," + fields + "}";
    }
}
