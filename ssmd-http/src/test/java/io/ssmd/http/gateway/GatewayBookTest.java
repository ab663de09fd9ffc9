package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Books: a subscription starts with the current book, then absolute deltas (incremental ones converted); a resync
 * drops the book until the venue's next snapshot; a gateway started later rebuilds the same book from the stream.
 */
class GatewayBookTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final String BOOK = "{\"kind\":\"book\",\"instrument\":\"BTC/USD\",\"snapshot\":true,"
            + "\"bids\":[[\"100.0\",\"1\"],[\"99.5\",\"2\"]],\"asks\":[[\"101.0\",\"3\"],[\"101.5\",\"4\"]],\"ts\":1}";
    private static final String DELTA = "{\"kind\":\"book\",\"instrument\":\"BTC/USD\",\"snapshot\":false,"
            + "\"bids\":[[\"99.5\",\"0\"],[\"100.5\",\"5\"]],\"asks\":[],\"ts\":2}";
    private static final String INCREMENT = "{\"kind\":\"book\",\"instrument\":\"BTC/USD\",\"snapshot\":false,"
            + "\"incremental\":true,\"bids\":[[\"100.5\",\"-2\"]],\"asks\":[[\"101.0\",\"-3\"]],\"ts\":3}";

    @Test
    void aBookSubscriptionStartsWithTheCurrentBookThenAbsoluteDeltas() throws Exception {
        try (GatewayTestNode node = GatewayTestNode.start(
                        NATS,
                        List.of("alpha"),
                        GatewayTestNode.spec(1000, Duration.ofSeconds(30)),
                        Map.of("alpha", List.of("BTC/USD")));
                WsClient early = WsClient.connect(HttpClient.newHttpClient(), node.streamUri(""))) {
            early.send("{\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\"],\"types\":[\"orderbook\"]}");
            early.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
            node.publish("alpha", "orderbook", "BTC/USD", BOOK);
            long seq = node.publish("alpha", "orderbook", "BTC/USD", DELTA).getSeqno();
            await().until(() -> node.gateway().streamPosition("alpha") == seq);

            try (WsClient late = WsClient.connect(HttpClient.newHttpClient(), node.streamUri(""))) {
                late.send("{\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\"]}");
                JsonNode first = late.awaitMessage(m -> m.path("type").asText().equals("orderbook"));
                assertThat(first.path("snapshot").asBoolean()).isTrue();
                assertThat(first.path("seq").asLong())
                        .as("stream sequence the book reflects")
                        .isEqualTo(seq);
                assertThat(levels(first.path("bids"))).containsExactly("100.5:5", "100.0:1");
                assertThat(levels(first.path("asks"))).containsExactly("101.0:3", "101.5:4");

                node.publish("alpha", "orderbook", "BTC/USD", INCREMENT);
                for (WsClient client : List.of(early, late)) {
                    JsonNode delta =
                            client.awaitMessage(m -> m.path("type").asText().equals("orderbook")
                                    && m.path("ts").asLong() == 3);
                    assertThat(delta.path("snapshot").asBoolean()).isFalse();
                    assertThat(delta.has("incremental")).isFalse();
                    assertThat(levels(delta.path("bids"))).containsExactly("100.5:3");
                    assertThat(levels(delta.path("asks"))).containsExactly("101.0:0");
                }
                // The early subscriber saw the venue's snapshot and the first delta as they came.
                assertThat(early.ofType("orderbook"))
                        .extracting(m -> m.path("ts").asLong())
                        .containsExactly(1L, 2L, 3L);
                assertThat(late.ofType("orderbook")).hasSize(2);
            }
        }
    }

    @Test
    void aResyncDropsTheBookUntilTheNextSnapshot() throws Exception {
        try (GatewayTestNode node =
                GatewayTestNode.start(NATS, List.of("alpha"), GatewayTestNode.spec(1000, Duration.ofSeconds(30)))) {
            node.publish("alpha", "orderbook", "BTC/USD", BOOK);
            long seq = node.publishOn(
                            node.env() + ".alpha.control.resync.alpha-0",
                            "alpha",
                            "{\"event\":\"resync\",\"feed\":\"alpha\",\"shard\":\"alpha-0\",\"epoch\":1,\"ts\":"
                                    + io.ssmd.core.nats.EpochMicros.now() + ",\"reason\":\"checksum mismatch\","
                                    + "\"instruments\":[\"BTC/USD\"]}")
                    .getSeqno();
            // A delta between the resync and the next snapshot cannot be applied to anything: nobody sees it.
            long deltaSeq = node.publish("alpha", "orderbook", "BTC/USD", DELTA).getSeqno();
            await().until(() -> node.gateway().streamPosition("alpha") == deltaSeq);
            assertThat(seq).isLessThan(deltaSeq);
            assertThat(node.gateway()
                            .core()
                            .market("alpha", "BTC/USD")
                            .orElseThrow()
                            .book())
                    .isEmpty();

            try (WsClient client = WsClient.connect(HttpClient.newHttpClient(), node.streamUri(""))) {
                client.send("{\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\"],\"types\":[\"orderbook\"]}");
                client.awaitMessage(m -> m.path("type").asText().equals("subscribed"));
                node.publish("alpha", "orderbook", "BTC/USD", BOOK.replace("\"ts\":1", "\"ts\":9"));
                JsonNode book = client.awaitMessage(m -> m.path("type").asText().equals("orderbook"));
                assertThat(book.path("ts").asLong()).isEqualTo(9);
                assertThat(levels(book.path("bids"))).containsExactly("100.0:1", "99.5:2");
                assertThat(client.ofType("orderbook")).hasSize(1);
            }
        }
    }

    @Test
    void aShardThatNamesNoInstrumentsLeavesEveryBookAlone() throws Exception {
        try (GatewayTestNode node =
                GatewayTestNode.start(NATS, List.of("alpha"), GatewayTestNode.spec(1000, Duration.ofSeconds(30)))) {
            node.publish("alpha", "orderbook", "BTC/USD", BOOK);
            // Kalshi's lifecycle companion carries no instruments: its outage says nothing about any book.
            long seq = node.publishOn(
                            node.env() + ".alpha.control.disconnected.alpha-lifecycle",
                            "alpha",
                            "{\"event\":\"disconnected\",\"feed\":\"alpha\",\"shard\":\"alpha-lifecycle\",\"epoch\":1,"
                                    + "\"ts\":" + io.ssmd.core.nats.EpochMicros.now() + ",\"reason\":\"watchdog\","
                                    + "\"instruments\":[]}")
                    .getSeqno();
            await().until(() -> node.gateway().streamPosition("alpha") == seq);
            assertThat(node.gateway()
                            .core()
                            .market("alpha", "BTC/USD")
                            .orElseThrow()
                            .book())
                    .isPresent();
        }
    }

    @Test
    void aResyncStoredAfterTheSnapshotItCausedKeepsThatSnapshot() throws Exception {
        try (GatewayTestNode node =
                GatewayTestNode.start(NATS, List.of("alpha"), GatewayTestNode.spec(1000, Duration.ofSeconds(30)))) {
            long happened = io.ssmd.core.nats.EpochMicros.now();
            // The snapshot is received (and stored) after the resync happened, but before its control event.
            node.publish("alpha", "orderbook", "BTC/USD", BOOK);
            long seq = node.publishOn(
                            node.env() + ".alpha.control.resync.alpha-0",
                            "alpha",
                            "{\"event\":\"resync\",\"feed\":\"alpha\",\"shard\":\"alpha-0\",\"epoch\":1,\"ts\":"
                                    + happened + ",\"reason\":\"checksum mismatch\",\"instruments\":[\"BTC/USD\"]}")
                    .getSeqno();
            await().until(() -> node.gateway().streamPosition("alpha") == seq);
            assertThat(node.gateway()
                            .core()
                            .market("alpha", "BTC/USD")
                            .orElseThrow()
                            .book())
                    .isPresent();
        }
    }

    @Test
    void aGatewayStartedLaterRebuildsTheBookFromTheStream() throws Exception {
        try (GatewayTestNode node =
                GatewayTestNode.start(NATS, List.of("alpha"), GatewayTestNode.spec(1000, Duration.ofSeconds(30)))) {
            node.publish("alpha", "orderbook", "BTC/USD", BOOK);
            node.publish("alpha", "orderbook", "BTC/USD", DELTA);
            long seq = node.publish("alpha", "orderbook", "BTC/USD", INCREMENT).getSeqno();
            await().until(() -> node.gateway().streamPosition("alpha") == seq);
            var live = node.gateway()
                    .core()
                    .market("alpha", "BTC/USD")
                    .orElseThrow()
                    .book()
                    .orElseThrow();

            try (Gateway later = Gateway.start(
                    node.system(),
                    NATS.connect(),
                    node.env(),
                    List.of(new GatewayFeed(
                            "alpha", Optional.of(new TestNormalizer()), OptionalInt.empty(), List.of())),
                    GatewayTestNode.spec(1000, Duration.ofSeconds(30)),
                    ApiKeys.none(),
                    new PrometheusRegistry())) {
                later.warmedUp().get(30, TimeUnit.SECONDS);
                var rebuilt = later.core()
                        .market("alpha", "BTC/USD")
                        .orElseThrow()
                        .book()
                        .orElseThrow();
                assertThat(rebuilt.bids()).isEqualTo(live.bids());
                assertThat(rebuilt.asks()).isEqualTo(live.asks());
                assertThat(rebuilt.bids()).hasSize(2);
            }
        }
    }

    private static List<String> levels(JsonNode side) {
        return java.util.stream.StreamSupport.stream(side.spliterator(), false)
                .map(level -> level.get(0).asText() + ":" + level.get(1).asText())
                .toList();
    }
}
