package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway and the security master (DESIGN §15): an ended market's state leaves the gateway's maps when its event
 * arrives on {@code {ENV}_SECMASTER} (published here per the relay's contract) while a live one stays, and a Polymarket
 * condition id is accepted from the security master before any data of its market arrived.
 */
class GatewaySecmasterTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aSettledMarketLeavesTheGatewaysMapsAndALiveOneStays() throws Exception {
        Map<String, List<String>> assigned = Map.of("alpha", List.of("KXA-1", "KXB-1", "111"));
        try (GatewayTestNode node = GatewayTestNode.start(NATS, List.of("alpha"), spec(), assigned)) {
            GatewayCore core = node.gateway().core();
            trade(node, "KXA-1", "a1");
            book(node, "KXA-1");
            trade(node, "KXB-1", "b1");
            book(node, "KXB-1");
            // A Polymarket-style token, whose subject token is its market's condition id: an alias entry.
            long last = node.publishOn(
                            node.env() + ".alpha.json.trade.0xcond",
                            "alpha",
                            "{\"kind\":\"trade\",\"instrument\":\"111\",\"price\":\"0.5\",\"size\":\"1\",\"id\":\"c1\"}")
                    .getSeqno();
            await().until(() -> node.gateway().streamPosition("alpha") == last);
            assertThat(core.mapSizes()).containsExactly(3, 1);
            assertThat(core.topOfBook("alpha", "KXA-1")).isPresent();

            node.publishSecmaster(1, "alpha", "settled", "KXA-1", MarketRecord.SETTLED);
            node.publishSecmaster(2, "alpha", "removed", "111", MarketRecord.REMOVED);
            long events = node.publishSecmaster(3, "alpha", "updated", "KXB-1", MarketRecord.ACTIVE)
                    .getSeqno();
            await().until(() -> node.gateway().secmasterPosition() == events);

            assertThat(core.mapSizes()).as("markets, aliases").containsExactly(1, 0);
            assertThat(core.markets(Optional.empty()))
                    .extracting(MarketInfo::instrument)
                    .containsExactly("KXB-1");
            assertThat(core.topOfBook("alpha", "KXA-1")).isEmpty();
            assertThat(core.topOfBook("alpha", "KXB-1")).isPresent();
            assertThat(get(node, "/v1/markets/alpha/KXA-1/trades").statusCode()).isEqualTo(404);
            assertThat(get(node, "/v1/markets/alpha/KXB-1/trades").statusCode()).isEqualTo(200);

            // A late message of the settled market does not bring it back.
            long late = trade(node, "KXA-1", "a2");
            await().until(() -> node.gateway().streamPosition("alpha") == late);
            assertThat(core.mapSizes()).containsExactly(1, 0);

            // Though a shard still carries it, subscribing to it is refused; the live one is accepted.
            try (WsClient client = WsClient.connect(HTTP, node.streamUri(""))) {
                client.send("{\"action\":\"subscribe\",\"symbols\":[\"KXA-1\",\"KXB-1\"]}");
                assertThat(client.awaitMessage(m -> m.path("type").asText().equals("subscribed"))
                                .path("symbols")
                                .toString())
                        .isEqualTo("[\"KXB-1\"]");
                assertThat(client.awaitMessage(m -> m.path("type").asText().equals("error"))
                                .path("symbols")
                                .toString())
                        .isEqualTo("[\"KXA-1\"]");
            }

            // Reopened: it is accepted again.
            long reopened = node.publishSecmaster(4, "alpha", "status_changed", "KXA-1", MarketRecord.ACTIVE)
                    .getSeqno();
            await().until(() -> node.gateway().secmasterPosition() == reopened);
            long again = trade(node, "KXA-1", "a3");
            await().until(() -> node.gateway().streamPosition("alpha") == again);
            assertThat(core.mapSizes()).containsExactly(2, 0);
        }
    }

    @Test
    void aConditionIdIsAcceptedFromTheSecurityMasterBeforeAnyDataArrived() throws Exception {
        ExecutorService blocking = Executors.newSingleThreadExecutor();
        try (Database db = Database.open(new DatabaseSettings(
                "jdbc:h2:file:" + dir.resolve("db/ssmd") + ";MODE=PostgreSQL",
                "",
                Optional.empty(),
                2,
                Duration.ofSeconds(10)))) {
            SecurityMaster master = new SecurityMaster(Metadata.of(db));
            master.sync(
                    "alpha",
                    List.of(
                            token("111", "0xcond", MarketRecord.ACTIVE),
                            token("112", "0xcond", MarketRecord.ACTIVE),
                            token("211", "0xgone", MarketRecord.SETTLED)),
                    true,
                    Instant.now());
            try (GatewayTestNode node = GatewayTestNode.start(
                            NATS,
                            List.of("alpha"),
                            spec(),
                            Map.of(),
                            new SecmasterDirectory(Metadata.of(db), blocking));
                    WsClient client = WsClient.connect(HTTP, node.streamUri(""))) {
                client.send("{\"action\":\"subscribe\",\"symbols\":[\"0xcond\",\"0xgone\"],\"feeds\":[\"alpha\"]}");
                assertThat(client.awaitMessage(m -> m.path("type").asText().equals("subscribed"))
                                .path("symbols")
                                .toString())
                        .isEqualTo("[\"0xcond\"]");
                assertThat(client.awaitMessage(m -> m.path("type").asText().equals("error"))
                                .path("symbols")
                                .toString())
                        .isEqualTo("[\"0xgone\"]");
                // Nothing was created for it: the gateway's maps grow only with data.
                assertThat(node.gateway().core().mapSizes()).containsExactly(0, 0);

                // Its first message reaches the subscriber through the condition id.
                node.publishOn(
                        node.env() + ".alpha.json.trade.0xcond",
                        "alpha",
                        "{\"kind\":\"trade\",\"instrument\":\"112\",\"price\":\"0.4\",\"size\":\"3\",\"id\":\"p1\"}");
                assertThat(client.awaitMessage(m -> m.path("type").asText().equals("trade"))
                                .path("ticker")
                                .asText())
                        .isEqualTo("112");
            }
        } finally {
            blocking.shutdownNow();
        }
    }

    private static GatewaySpec spec() {
        return GatewayTestNode.spec(100, Duration.ofSeconds(30));
    }

    private static long trade(GatewayTestNode node, String instrument, String id) {
        return node.publish(
                        "alpha",
                        "trade",
                        instrument,
                        "{\"kind\":\"trade\",\"instrument\":\"" + instrument + "\",\"price\":\"0.5\",\"size\":\"2\","
                                + "\"id\":\"" + id + "\"}")
                .getSeqno();
    }

    private static void book(GatewayTestNode node, String instrument) {
        node.publish(
                "alpha",
                "orderbook",
                instrument,
                "{\"kind\":\"book\",\"instrument\":\"" + instrument + "\",\"snapshot\":true,"
                        + "\"bids\":[[\"0.4\",\"10\"]],\"asks\":[[\"0.6\",\"5\"]]}");
    }

    private static MarketRecord token(String token, String condition, String status) {
        return new MarketRecord(
                "alpha",
                token,
                condition,
                List.of(),
                "Will it happen?",
                null,
                null,
                null,
                status,
                status,
                null,
                null,
                null,
                null,
                null,
                null,
                "0.01",
                "5",
                null,
                null,
                "{}",
                "{}");
    }

    private static HttpResponse<String> get(GatewayTestNode node, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(node.httpUri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
