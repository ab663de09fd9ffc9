package io.ssmd.feeds.polymarket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ssmd.feeds.polymarket.PolymarketMarkets.Universe;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.polymarket.replay.PolymarketUniverse;
import io.ssmd.feeds.replay.ReplaySettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery from Gamma: the replay server's, and a small local Gamma that misbehaves on purpose. */
class PolymarketDiscoveryTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create("polymarket-discovery");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final PolymarketDiscovery.Retry FAST =
            new PolymarketDiscovery.Retry(3, Duration.ofMillis(1), Duration.ofMillis(5), 0.5);

    private HttpServer gamma;
    private final List<String> lastQueries = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopGamma() {
        if (gamma != null) {
            gamma.stop(0);
        }
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    private static PolymarketDiscovery.Filter pages(int size) {
        return new PolymarketDiscovery.Filter(
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), OptionalInt.empty(), size);
    }

    @Test
    void theReplayServersGammaGivesEveryMarketPageByPageGroupedByCondition() throws Exception {
        List<String> tokens = PolymarketReplayServer.syntheticInstruments(1_200);
        ReplaySettings settings =
                ReplaySettings.synthetic("polymarket", 0, 10, 1).withInstruments(tokens);
        try (PolymarketTestServer server = PolymarketTestServer.start(TESTKIT, settings)) {
            PolymarketDiscovery discovery =
                    PolymarketDiscovery.create(server.base(), HTTP, FAST, Duration.ofSeconds(10));

            Universe universe = discovery.discover(pages(100));

            assertThat(universe.assetIds()).containsExactlyElementsOf(tokens);
            assertThat(universe.markets()).hasSize(600);
            // 6 full pages and the empty one that ends the listing.
            assertThat(discovery.requests()).isEqualTo(7);
            PolymarketUniverse served = PolymarketUniverse.of(tokens);
            universe.conditionByAsset()
                    .forEach((asset, condition) -> assertThat(
                                    served.marketOf(asset).orElseThrow().conditionId())
                            .isEqualTo(condition));
            assertThat(universe.markets().get(0).outcomes())
                    .extracting(PolymarketMarkets.Outcome::name)
                    .containsExactly("Up", "Down");

            PolymarketDiscovery.Filter atMost = new PolymarketDiscovery.Filter(
                    Optional.empty(), Optional.empty(), List.of(), Optional.of("volume24hr"), OptionalInt.of(301), 100);
            // Whole markets only: 150 markets, 300 assets.
            assertThat(discovery.discover(atMost).assetIds()).containsExactlyElementsOf(tokens.subList(0, 300));
        }
    }

    /**
     * A Gamma of 5 markets over pages of 2, written the ways Gamma writes them (encoded strings and real arrays,
     * numbers as strings and as numbers); the page at offset 2 fails twice (a 503, then a cut body) before answering.
     */
    private URI misbehavingGamma(Map<String, AtomicInteger> hits, int failuresAtOffset2) throws IOException {
        List<String> markets = List.of(
                market(
                        "1",
                        "0xaa",
                        "\"[\\\"11\\\", \\\"12\\\"]\"",
                        "\"[\\\"Yes\\\", \\\"No\\\"]\"",
                        "\"1500.5\"",
                        "200",
                        "true",
                        "false",
                        "[{\"id\":\"21\",\"slug\":\"crypto\"}]"),
                market("2", "0xbb", "[\"21\",\"22\"]", "[\"Up\",\"Down\"]", "10", "\"5\"", "true", "false", "[]"),
                // Closed, and inactive: not wanted even though the server sent them.
                market("3", "0xcc", "[\"31\",\"32\"]", "[\"Yes\",\"No\"]", "9999", "9999", "true", "true", "[]"),
                market("4", "0xdd", "[\"41\",\"42\"]", "[\"Yes\",\"No\"]", "9999", "9999", "false", "false", "[]"),
                // The same condition again (pages shifted), one token already known: kept once, new token added.
                market(
                        "1",
                        "0xaa",
                        "[\"12\",\"13\"]",
                        "[\"No\",\"Maybe\"]",
                        "1500.5",
                        "200",
                        "true",
                        "false",
                        "[{\"id\":\"21\",\"slug\":\"crypto\"}]"));
        gamma = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gamma.createContext("/gamma/markets", exchange -> {
            Map<String, String> q = query(exchange);
            String key = "offset=" + q.get("offset");
            int hit = hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (q.get("offset").equals("2") && hit <= failuresAtOffset2) {
                if (hit % 2 == 1) {
                    respond(exchange, 503, "{\"error\":\"busy\"}");
                } else {
                    respond(exchange, 200, "[{\"id\":\"3\",\"conditionId\"");
                }
                return;
            }
            int offset = Integer.parseInt(q.get("offset"));
            int limit = Integer.parseInt(q.get("limit"));
            List<String> page =
                    markets.subList(Math.min(offset, markets.size()), Math.min(offset + limit, markets.size()));
            respond(exchange, 200, "[" + String.join(",", page) + "]");
        });
        gamma.start();
        return URI.create("http://127.0.0.1:" + gamma.getAddress().getPort() + "/gamma");
    }

    @Test
    void aPageFailingTwiceIsRetriedAndDiscoveryCompletes() throws Exception {
        Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
        URI base = misbehavingGamma(hits, 2);
        PolymarketDiscovery discovery = PolymarketDiscovery.create(base, HTTP, FAST, Duration.ofSeconds(10));

        Universe universe = discovery.discover(pages(2));

        assertThat(hits.get("offset=2").get()).isEqualTo(3);
        assertThat(universe.assetIds()).containsExactly("11", "12", "13", "21", "22");
        assertThat(universe.assetsByCondition())
                .containsExactly(Map.entry("0xaa", List.of("11", "12", "13")), Map.entry("0xbb", List.of("21", "22")));
        assertThat(universe.markets().get(0).outcomes())
                .extracting(PolymarketMarkets.Outcome::name)
                .containsExactly("Yes", "No", "Maybe");
        assertThat(universe.markets().get(0).volume()).contains(new BigDecimal("1500.5"));
        assertThat(universe.markets().get(1).liquidity()).contains(new BigDecimal("5"));
    }

    @Test
    void aPageFailingMoreThanTheRetriesAllowEndsDiscoveryWithTheCause() throws Exception {
        URI base = misbehavingGamma(new ConcurrentHashMap<>(), 10);
        PolymarketDiscovery discovery = PolymarketDiscovery.create(base, HTTP, FAST, Duration.ofSeconds(10));
        assertThatThrownBy(() -> discovery.discover(pages(2)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed 3 times");
    }

    @Test
    void volumeLiquidityAndTagFiltersAreSentAndCheckedAgain() throws Exception {
        Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
        URI base = misbehavingGamma(hits, 0);
        PolymarketDiscovery discovery = PolymarketDiscovery.create(base, HTTP, FAST, Duration.ofSeconds(10));

        PolymarketDiscovery.Filter volume = new PolymarketDiscovery.Filter(
                Optional.of(new BigDecimal("1000")),
                Optional.empty(),
                List.of(),
                Optional.empty(),
                OptionalInt.empty(),
                2);
        assertThat(discovery.discover(volume).assetsByCondition()).containsOnlyKeys("0xaa");
        PolymarketDiscovery.Filter liquidity = new PolymarketDiscovery.Filter(
                Optional.empty(),
                Optional.of(new BigDecimal("5")),
                List.of(),
                Optional.empty(),
                OptionalInt.empty(),
                2);
        assertThat(discovery.discover(liquidity).assetsByCondition()).containsOnlyKeys("0xaa", "0xbb");
        // Market 1 lists its tags (21/crypto): it must match; market 2 lists none, so the server's tag_id decided.
        PolymarketDiscovery.Filter tag = new PolymarketDiscovery.Filter(
                Optional.empty(), Optional.empty(), List.of("crypto"), Optional.empty(), OptionalInt.empty(), 2);
        assertThat(discovery.discover(tag).assetsByCondition()).containsOnlyKeys("0xaa", "0xbb");
        PolymarketDiscovery.Filter otherTag = new PolymarketDiscovery.Filter(
                Optional.empty(), Optional.empty(), List.of("sports"), Optional.empty(), OptionalInt.empty(), 2);
        assertThat(discovery.discover(otherTag).assetsByCondition()).containsOnlyKeys("0xbb");
        assertThat(lastQueries)
                .anyMatch(q -> q.contains("tag_id=sports") && q.contains("active=true") && q.contains("closed=false"));
    }

    @Test
    void reDiscoverySaysWhatWasAddedAndWhatWentAway() {
        PolymarketMarkets.Market one = new PolymarketMarkets.Market(
                "1",
                "0xaa",
                "q",
                "s",
                List.of(new PolymarketMarkets.Outcome("Yes", "11"), new PolymarketMarkets.Outcome("No", "12")),
                Optional.empty(),
                Optional.empty(),
                List.of());
        PolymarketMarkets.Market two = new PolymarketMarkets.Market(
                "2",
                "0xbb",
                "q",
                "s",
                List.of(new PolymarketMarkets.Outcome("Yes", "21"), new PolymarketMarkets.Outcome("No", "22")),
                Optional.empty(),
                Optional.empty(),
                List.of());
        Universe before = new Universe(List.of(one));
        Universe after = new Universe(List.of(two));
        assertThat(after.addedSince(before)).containsExactly("21", "22");
        assertThat(after.removedSince(before)).containsExactly("11", "12");
    }

    @Test
    void tokenListsAreReadAsEncodedStringsOrArrays() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(PolymarketDiscovery.list(json.readTree("\"[\\\"1\\\", \\\"2\\\"]\"")))
                .containsExactly("1", "2");
        assertThat(PolymarketDiscovery.list(json.readTree("[\"1\",\"2\"]"))).containsExactly("1", "2");
        assertThat(PolymarketDiscovery.list(json.readTree("\"not a list\""))).isEmpty();
        assertThat(PolymarketDiscovery.list(null)).isEmpty();
        // The real Gamma sample.
        var sample = json.readTree(PolymarketTestServer.resource("/polymarket/rest-gamma-markets.json"))
                .get(0);
        assertThat(PolymarketDiscovery.market(sample)).hasValueSatisfying(m -> {
            assertThat(m.conditionId()).startsWith("0x78443f96");
            assertThat(m.outcomes()).extracting(PolymarketMarkets.Outcome::name).containsExactly("Up", "Down");
            assertThat(m.volume()).contains(new BigDecimal("9.999997"));
        });
    }

    private Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        lastQueries.add(raw);
        return List.of(raw.split("&")).stream()
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : "", (a, b) -> b));
    }

    private static String market(
            String id,
            String condition,
            String tokens,
            String outcomes,
            String volume,
            String liquidity,
            String active,
            String closed,
            String tags) {
        return "{\"id\":\"" + id + "\",\"conditionId\":\"" + condition + "\",\"clobTokenIds\":" + tokens
                + ",\"outcomes\":" + outcomes + ",\"volume\":" + volume + ",\"liquidity\":" + liquidity
                + ",\"active\":" + active + ",\"closed\":" + closed + ",\"tags\":" + tags + "}";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
