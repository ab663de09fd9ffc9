package io.ssmd.feeds.polymarket.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.polymarket.PolymarketTestServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Recorded mode with the venue's own frames, and Gamma's /markets over the synthetic universe. */
class PolymarketRecordedAndGammaTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SAMPLE = PolymarketTestServer.sampleLines();
    private static final String BOOK_ASSET =
            "48331043336612883890938759509493159234755048973500640148014422747788308965732";
    private static final String DOC_ASSET =
            "65818619657568813474341868652308942079804919287380422192892211131408793125422";

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void recordedFramesAboutSubscribedAssetsGoOutVerbatimInOrder() throws Exception {
        Path sample =
                Path.of(getClass().getResource("/polymarket/messages.jsonl").toURI());
        try (PolymarketTestServer server = recording(sample);
                WsTestClient client = server.client()) {
            client.send("{\"assets_ids\":[\"" + BOOK_ASSET + "\",\"" + DOC_ASSET + "\"],\"type\":\"market\"}");
            // Lines 1 and 3 are about the first asset, 8 and 11 the second; the requests on lines 6, 7 and 15 name
            // the asset too but are not events, and nothing else is about these assets. The recording loops.
            List<String> cycle = List.of(SAMPLE.get(0), SAMPLE.get(2), SAMPLE.get(7), SAMPLE.get(10));
            client.nextMatching(cycle.get(0)::equals, WAIT);
            for (String expected : List.of(cycle.get(1), cycle.get(2), cycle.get(3), cycle.get(0), cycle.get(1))) {
                assertThat(client.next(WAIT)).isEqualTo(expected);
            }
        }
    }

    @Test
    void customFeaturesAddTheBroadcastMarketEvents() throws Exception {
        Path sample =
                Path.of(getClass().getResource("/polymarket/messages.jsonl").toURI());
        try (PolymarketTestServer server = recording(sample);
                WsTestClient client = server.client()) {
            client.send(
                    "{\"assets_ids\":[\"" + BOOK_ASSET + "\"],\"type\":\"market\",\"custom_feature_enabled\":true}");
            client.nextMatching(SAMPLE.get(0)::equals, WAIT);
            for (int line : new int[] {3, 13, 14, 1}) {
                assertThat(client.next(WAIT)).isEqualTo(SAMPLE.get(line - 1));
            }
        }
    }

    @Test
    void theArchiveCaptureReplaysOneMarketsBookAndTrades() throws Exception {
        Path capture = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges/polymarket/archive-capture.jsonl");
        Assumptions.assumeTrue(Files.exists(capture), "no " + capture + ": the shared exchanges folder is absent");
        List<String> lines = Files.readAllLines(capture);
        List<String> market = lines.stream()
                .filter(l -> l.contains("0x14002070e74acaf96f70c8dfb881586b"))
                .toList();
        assertThat(market).hasSize(10);
        try (PolymarketTestServer server = recording(capture);
                WsTestClient client = server.client()) {
            client.send(PolymarketReplayServer.subscribeMessages(List.of(
                            "1627500284739545390204314775735988068784669364445492030335161034375823784781",
                            "7849332184617640056758089974170387917558941201674921732369975950049491747956"))
                    .get(0));
            client.nextMatching(market.get(0)::equals, WAIT);
            for (String expected : market.subList(1, market.size())) {
                assertThat(client.next(WAIT)).isEqualTo(expected);
            }
            assertThat(client.next(WAIT)).isEqualTo(market.get(0));
        }
    }

    @Test
    void gammaMarketsAreShapedLikeTheVenuesAndMatchTheWebSocketUniverse() throws Exception {
        JsonNode real = JSON.readTree(PolymarketTestServer.resource("/polymarket/rest-gamma-markets.json"))
                .get(0);
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 10, 3);
                WsTestClient client = server.client()) {
            JsonNode markets = JSON.readTree(server.get("/markets").body());
            assertThat(markets.isArray()).isTrue();
            List<String> tokens = new ArrayList<>();
            for (JsonNode market : markets) {
                market.fields().forEachRemaining(field -> {
                    assertThat(real.has(field.getKey())).as(field.getKey()).isTrue();
                    assertThat(field.getValue().getNodeType())
                            .as(field.getKey())
                            .isEqualTo(real.get(field.getKey()).getNodeType());
                });
                assertThat(market.get("outcomes").asText()).matches("\\[\"\\w+\", \"\\w+\"\\]");
                JSON.readTree(market.get("clobTokenIds").asText()).forEach(t -> tokens.add(t.asText()));
            }
            assertThat(tokens).isEqualTo(PolymarketReplayServer.defaultInstruments());
            // The server's first session opens with the books Gamma shows.
            JsonNode btc = markets.get(0);
            client.send(PolymarketReplayServer.subscribeMessages(tokens.subList(0, 1))
                    .get(0));
            JsonNode book = JSON.readTree(client.next(WAIT)).get(0);
            assertThat(book.get("market").asText())
                    .isEqualTo(btc.get("conditionId").asText());
            JsonNode bids = book.get("bids");
            JsonNode asks = book.get("asks");
            assertThat(new BigDecimal(bids.get(bids.size() - 1).get("price").asText()))
                    .isEqualByComparingTo(btc.get("bestBid").decimalValue());
            assertThat(new BigDecimal(asks.get(asks.size() - 1).get("price").asText()))
                    .isEqualByComparingTo(btc.get("bestAsk").decimalValue());
            assertThat(book.get("tick_size").asText())
                    .isEqualTo(btc.get("orderPriceMinTickSize").asText());
        }
    }

    @Test
    void gammaPaginatesAndFilters() throws Exception {
        List<PolymarketMarket> universe = PolymarketUniverse.defaults().markets();
        try (PolymarketTestServer server = PolymarketTestServer.synthetic(TESTKIT, 10, 3)) {
            assertThat(ids(server, "/markets"))
                    .containsExactlyElementsOf(
                            universe.stream().map(PolymarketMarket::id).toList());
            assertThat(ids(server, "/markets?limit=2&offset=1"))
                    .containsExactly(universe.get(1).id(), universe.get(2).id());
            assertThat(ids(server, "/markets?offset=10")).isEmpty();
            assertThat(ids(server, "/markets?closed=true")).isEmpty();
            assertThat(ids(server, "/markets?active=false")).isEmpty();
            assertThat(ids(server, "/markets?active=true&closed=false&archived=false&limit=3"))
                    .hasSize(3);
            assertThat(ids(server, "/markets?clob_token_ids=" + universe.get(3).noToken()))
                    .containsExactly(universe.get(3).id());
            assertThat(ids(server, "/markets?condition_ids=" + universe.get(2).conditionId()))
                    .containsExactly(universe.get(2).id());
            assertThat(ids(
                            server,
                            "/markets?id=" + universe.get(0).id() + "&id="
                                    + universe.get(3).id()))
                    .containsExactly(universe.get(0).id(), universe.get(3).id());
            assertThat(ids(server, "/markets?slug=" + universe.get(1).slug()))
                    .containsExactly(universe.get(1).id());
            HttpResponse<String> one = server.get("/markets/" + universe.get(3).id());
            assertThat(JSON.readTree(one.body()).get("question").asText())
                    .isEqualTo(universe.get(3).question());
            assertThat(server.get("/markets/999").statusCode()).isEqualTo(404);
            HttpResponse<String> bad = server.get("/markets?limit=many");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("limit");
        }
    }

    private static List<String> ids(PolymarketTestServer server, String query) throws Exception {
        HttpResponse<String> response = server.get(query);
        assertThat(response.statusCode()).as(query).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(response.body())
                .forEach(market -> ids.add(market.get("id").asText()));
        return ids;
    }

    /** Untimed sample lines go out at the rate, 100/s; the recording loops so a late subscriber sees it all. */
    private static PolymarketTestServer recording(Path file) {
        return PolymarketTestServer.start(
                TESTKIT, ReplaySettings.synthetic("polymarket", 0, 100, 1).withRecording(file, 1.0, true));
    }
}
