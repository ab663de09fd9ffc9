package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.testkit.NatsServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/markets…} and API keys, over HTTP. */
class GatewayRestTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "s3cret-key-for-tests";

    @TempDir
    static Path dir;

    private static GatewayTestNode node;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        Path keys = dir.resolve("api-keys.txt");
        Files.writeString(keys, "# the test's key\n" + ApiKeys.hash(KEY) + "  # inline comment\n\n");
        ShardHealth discovered = new ShardHealth(
                "beta",
                "beta-0",
                "node-1",
                ShardHealth.STREAMING,
                1,
                0,
                Map.of(),
                0,
                List.of("DISC/USD", "BTC/USD"),
                Map.of(),
                "",
                System.currentTimeMillis());
        node = GatewayTestNode.start(
                NATS,
                List.of("alpha", "beta"),
                GatewayTestNode.spec(100, Duration.ofSeconds(30)),
                ApiKeys.load(keys),
                () -> CompletableFuture.completedFuture(List.of(discovered)));
        http = HttpClient.newHttpClient();
        for (int i = 1; i <= 5; i++) {
            node.publish(
                    "alpha",
                    "trade",
                    "BTC/USD",
                    "{\"kind\":\"trade\",\"instrument\":\"BTC/USD\",\"price\":\"6" + i + "000.5\",\"size\":\"0.0" + i
                            + "\",\"id\":\"t" + i + "\",\"ts\":" + i + "}");
        }
        node.publish(
                "alpha", "ticker", "ETH/USD", "{\"kind\":\"ticker\",\"instrument\":\"ETH/USD\",\"last\":\"3000\"}");
        // A Polymarket-style message: the subject token is the market (condition id), not the asset.
        node.publishOn(
                node.env() + ".alpha.json.trade.0xcond",
                "alpha",
                "{\"kind\":\"trade\",\"instrument\":\"123456\","
                        + "\"price\":\"0.5\",\"size\":\"10\",\"id\":\"p1\",\"ts\":7}");
        long last = node.publish(
                        "alpha",
                        "trade",
                        "SOL/USD",
                        "{\"kind\":\"trade\",\"instrument\":\"SOL/USD\","
                                + "\"price\":\"1\",\"size\":\"1\",\"id\":\"s1\",\"ts\":8}")
                .getSeqno();
        await().until(() -> node.gateway().streamPosition("alpha") == last);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static HttpResponse<String> get(String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.httpUri(path));
        if (key != null) {
            request.header(ApiKeys.HEADER, key);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .join();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void withoutAnAcceptedKeyEveryRouteSays401WithAReason() throws Exception {
        HttpResponse<String> none = get("/v1/markets", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).path("error").asText()).contains("X-API-Key");
        HttpResponse<String> wrong = get("/v1/markets/alpha/BTC%2FUSD/trades", "guess");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).path("error").asText()).contains("not accepted");
        assertThat(get("/v1/markets", KEY).statusCode()).isEqualTo(200);
        // Outside /v1 nothing asks for a key: an unknown path stays a 404.
        assertThat(get("/favicon.ico", null).statusCode()).isEqualTo(404);
        assertThat(get("/v1/nothing-here", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theWebSocketTakesTheKeyInTheHeaderOrTheQuery() {
        URI plain = node.streamUri("");
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> WsClient.connect(http, plain));
        assertThat(refused)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
        assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause())
                        .getResponse()
                        .statusCode())
                .isEqualTo(401);
        try (WsClient byHeader = WsClient.connect(http, plain, KEY);
                WsClient byQuery = WsClient.connect(http, node.streamUri("api_key=" + KEY))) {
            for (WsClient client : List.of(byHeader, byQuery)) {
                client.send("{\"action\":\"ping\"}");
                client.awaitMessage(m -> m.path("type").asText().equals("pong"));
            }
        }
    }

    @Test
    void marketsListsConfiguredSeenAndDiscoveredInstruments() throws Exception {
        JsonNode all = json(get("/v1/markets", KEY)).path("markets");
        assertThat(all.findValuesAsText("id")).contains("BTC/USD", "ETH/USD", "123456", "SOL/USD", "DISC/USD");
        JsonNode beta = json(get("/v1/markets?feed=beta", KEY)).path("markets");
        assertThat(beta.findValuesAsText("id")).containsExactlyInAnyOrder("DISC/USD", "BTC/USD");
        assertThat(beta.get(0).path("shard").asText()).isEqualTo("beta-0");
        HttpResponse<String> unknown = get("/v1/markets?feed=gamma", KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").asText()).contains("unknown feed \"gamma\"");
    }

    @Test
    void oneMarketByFeedAndUrlEncodedIdOrByAnUnambiguousId() throws Exception {
        HttpResponse<String> btc = get("/v1/markets/alpha/BTC%2FUSD", KEY);
        assertThat(btc.statusCode()).isEqualTo(200);
        JsonNode body = json(btc);
        assertThat(body.path("shard").asText()).isEqualTo("alpha-0");
        assertThat(body.path("lastTrade").path("price").asText()).isEqualTo("65000.5");
        assertThat(json(get("/v1/markets/ETH%2FUSD", KEY))
                        .path("lastTicker")
                        .path("last")
                        .asText())
                .isEqualTo("3000");
        // By the market's id (the subject token) too, as Polymarket's condition ids.
        assertThat(json(get("/v1/markets/alpha/0xcond", KEY)).path("id").asText())
                .isEqualTo("123456");

        HttpResponse<String> ambiguous = get("/v1/markets/BTC%2FUSD", KEY);
        assertThat(ambiguous.statusCode()).isEqualTo(409);
        assertThat(json(ambiguous).path("error").asText()).contains("alpha").contains("beta");
        HttpResponse<String> missing = get("/v1/markets/alpha/NOPE", KEY);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("error").asText()).contains("no instrument \"NOPE\" on feed alpha");
    }

    @Test
    void recentTradesNewestFirstWithALimit() throws Exception {
        JsonNode trades =
                json(get("/v1/markets/alpha/BTC%2FUSD/trades?limit=3", KEY)).path("trades");
        assertThat(trades.findValuesAsText("tradeId")).containsExactly("t5", "t4", "t3");
        assertThat(trades.get(0).path("price").asText()).isEqualTo("65000.5");
        assertThat(json(get("/v1/markets/SOL%2FUSD/trades", KEY)).path("trades").findValuesAsText("tradeId"))
                .containsExactly("s1");
        HttpResponse<String> bad = get("/v1/markets/alpha/BTC%2FUSD/trades?limit=lots", KEY);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").asText()).contains("limit");
        assertThat(get("/v1/markets/alpha/BTC%2FUSD/trades?limit=0", KEY).statusCode())
                .isEqualTo(400);
    }

    @Test
    void malformedKeyFilesAreRefusedNamingFileAndLine() throws Exception {
        Path bad = dir.resolve("bad-keys.txt");
        Files.writeString(bad, ApiKeys.hash("a") + "\nnot-a-hash\n");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ApiKeys.load(bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad + " line 2")
                .hasMessageContaining("SHA-256");
    }
}
