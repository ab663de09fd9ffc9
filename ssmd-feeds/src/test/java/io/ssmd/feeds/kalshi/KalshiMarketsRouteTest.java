package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static io.ssmd.feeds.kalshi.KalshiTestServer.keys;
import static io.ssmd.feeds.kalshi.KalshiTestServer.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.replay.WsTestClient;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code GET /trade-api/v2/markets} and friends over the synthetic universe: shape, pagination, filters. */
class KalshiMarketsRouteTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String MARKETS = "/trade-api/v2/markets";

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void marketsHaveTheRealSamplesFieldsInItsOrder() throws Exception {
        JsonNode sample = parse(Files.readString(Path.of(
                KalshiMarketsRouteTest.class.getResource("/kalshi/rest-markets.json").toURI())));
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1)) {
            JsonNode body = get(server, MARKETS, 200);
            assertThat(keys(body)).containsExactly("cursor", "markets");
            assertThat(body.get("cursor").asText()).isEmpty();
            assertThat(body.get("markets")).extracting(m -> m.get("ticker").asText())
                    .containsExactlyElementsOf(KalshiReplayServer.defaultInstruments());
            List<String> expected = new ArrayList<>(new TreeSet<>(keys(sample.at("/markets/0"))));
            expected.add(expected.indexOf("close_time"), "category");
            for (JsonNode market : body.get("markets")) {
                assertThat(keys(market)).isEqualTo(expected);
                assertThat(market.get("status").asText()).isEqualTo("active");
                assertThat(market.get("yes_bid_dollars").asText()).matches("[01]\\.\\d{4}");
                assertThat(market.get("yes_ask_size_fp").asText()).matches("\\d+\\.\\d{2}");
            }
            JsonNode mars = get(server, MARKETS + "/KXCOLONIZEMARS-50", 200).get("market");
            assertThat(mars.get("event_ticker").asText()).isEqualTo("KXCOLONIZEMARS-50");
            assertThat(mars.get("price_level_structure").asText()).isEqualTo("deci_cent");
            assertThat(mars.at("/price_ranges/0/step").asText()).isEqualTo("0.0010");
            get(server, MARKETS + "/KXNOPE-1", 404);
        }
    }

    @Test
    void cursorsPageThroughTheWholeUniverseWithinTheLimits() throws Exception {
        List<String> universe = KalshiReplayServer.syntheticInstruments(1500);
        try (KalshiTestServer server = KalshiTestServer.start(TESTKIT.system(),
                KalshiTestServer.settings(10, 1).withInstruments(universe))) {
            JsonNode first = get(server, MARKETS, 200);
            assertThat(first.get("markets")).hasSize(100);
            List<String> seen = new ArrayList<>();
            String cursor = "";
            int pages = 0;
            do {
                JsonNode page = get(server, MARKETS + "?limit=1000" + (cursor.isEmpty() ? "" : "&cursor=" + cursor), 200);
                page.get("markets").forEach(m -> seen.add(m.get("ticker").asText()));
                cursor = page.get("cursor").asText();
                pages++;
            } while (!cursor.isEmpty());
            assertThat(pages).isEqualTo(2);
            assertThat(seen).isEqualTo(universe);
            for (String bad : List.of("?limit=0", "?limit=1001", "?limit=ten", "?cursor=bm90LWEtY3Vyc29y")) {
                assertThat(get(server, MARKETS + bad, 400).at("/error/message").asText()).isNotEmpty();
            }
        }
    }

    @Test
    void statusSeriesEventAndTickerFiltersNarrowTheList() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1)) {
            assertThat(get(server, MARKETS + "?status=open", 200).get("markets")).hasSize(8);
            assertThat(get(server, MARKETS + "?status=closed,settled", 200).get("markets")).isEmpty();
            get(server, MARKETS + "?status=trading", 400);
            assertThat(tickers(get(server, MARKETS + "?series_ticker=KXGOLDH", 200)))
                    .containsExactly("KXGOLDH-26AUG2711-T4615.99", "KXGOLDH-26AUG2711-T4617.99");
            assertThat(tickers(get(server, MARKETS + "?event_ticker=KXGOLDH-26AUG2711&limit=1", 200)))
                    .containsExactly("KXGOLDH-26AUG2711-T4615.99");
            assertThat(tickers(get(server, MARKETS + "?series_ticker=KXELONMARS", 200))).containsExactly("KXELONMARS-99");
            assertThat(tickers(get(server, MARKETS + "?tickers=KXELONMARS-99,KXSOLD-26FEB1317-T73.9999", 200)))
                    .containsExactly("KXSOLD-26FEB1317-T73.9999", "KXELONMARS-99");
        }
    }

    @Test
    void restPricesAndBooksAreWhereEveryWebSocketSessionStarts() throws Exception {
        String ticker = "KXXRP-26FEB1317-B1.3899500";
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 1, 9);
                WsTestClient client = server.connect()) {
            client.send("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_ticker\":\"" + ticker + "\"}}");
            client.next(WAIT);
            JsonNode snapshot = parse(client.next(WAIT)).get("msg");
            JsonNode book = get(server, MARKETS + "/" + ticker + "/orderbook", 200).get("orderbook_fp");
            assertThat(book.get("yes_dollars")).isEqualTo(snapshot.get("yes_dollars_fp"));
            assertThat(book.get("no_dollars")).isEqualTo(snapshot.get("no_dollars_fp"));
            JsonNode market = get(server, MARKETS + "/" + ticker, 200).get("market");
            JsonNode bestYes = last(snapshot.get("yes_dollars_fp"));
            JsonNode bestNo = last(snapshot.get("no_dollars_fp"));
            assertThat(market.get("yes_bid_dollars").asText()).isEqualTo(bestYes.get(0).asText());
            assertThat(market.get("yes_bid_size_fp").asText()).isEqualTo(bestYes.get(1).asText());
            assertThat(new BigDecimal(market.get("yes_ask_dollars").asText()))
                    .isEqualTo(BigDecimal.ONE.subtract(new BigDecimal(bestNo.get(0).asText())));
            assertThat(market.get("no_bid_dollars").asText()).isEqualTo(bestNo.get(0).asText());
        }
    }

    private static JsonNode last(JsonNode array) {
        return array.get(array.size() - 1);
    }

    private static List<String> tickers(JsonNode body) {
        List<String> tickers = new ArrayList<>();
        body.get("markets").forEach(m -> tickers.add(m.get("ticker").asText()));
        return tickers;
    }

    private static JsonNode get(KalshiTestServer server, String pathAndQuery, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.http(pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(status);
        return parse(response.body());
    }
}
