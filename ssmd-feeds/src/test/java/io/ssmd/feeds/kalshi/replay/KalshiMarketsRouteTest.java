package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static io.ssmd.feeds.kalshi.KalshiTestServer.keys;
import static io.ssmd.feeds.kalshi.KalshiTestServer.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.kalshi.KalshiTestServer;
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
        JsonNode sample = parse(Files.readString(Path.of(KalshiMarketsRouteTest.class
                .getResource("/kalshi/rest-markets.json")
                .toURI())));
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1)) {
            JsonNode body = get(server, MARKETS, 200);
            assertThat(keys(body)).containsExactly("cursor", "markets");
            assertThat(body.get("cursor").asText()).isEmpty();
            assertThat(body.get("markets"))
                    .extracting(m -> m.get("ticker").asText())
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
        try (KalshiTestServer server = KalshiTestServer.start(
                TESTKIT.system(), KalshiTestServer.settings(10, 1).withInstruments(universe))) {
            JsonNode first = get(server, MARKETS, 200);
            assertThat(first.get("markets")).hasSize(100);
            List<String> seen = new ArrayList<>();
            String cursor = "";
            int pages = 0;
            do {
                JsonNode page =
                        get(server, MARKETS + "?limit=1000" + (cursor.isEmpty() ? "" : "&cursor=" + cursor), 200);
                page.get("markets").forEach(m -> seen.add(m.get("ticker").asText()));
                cursor = page.get("cursor").asText();
                pages++;
            } while (!cursor.isEmpty());
            assertThat(pages).isEqualTo(2);
            assertThat(seen).isEqualTo(universe);
            for (String bad : List.of("?limit=0", "?limit=1001", "?limit=ten", "?cursor=bm90LWEtY3Vyc29y")) {
                assertThat(get(server, MARKETS + bad, 400).at("/error/message").asText())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void statusSeriesEventAndTickerFiltersNarrowTheList() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1)) {
            assertThat(get(server, MARKETS + "?status=open", 200).get("markets"))
                    .hasSize(8);
            assertThat(get(server, MARKETS + "?status=closed,settled", 200).get("markets"))
                    .isEmpty();
            get(server, MARKETS + "?status=trading", 400);
            assertThat(tickers(get(server, MARKETS + "?series_ticker=KXGOLDH", 200)))
                    .containsExactly("KXGOLDH-26AUG2711-T4615.99", "KXGOLDH-26AUG2711-T4617.99");
            assertThat(tickers(get(server, MARKETS + "?event_ticker=KXGOLDH-26AUG2711&limit=1", 200)))
                    .containsExactly("KXGOLDH-26AUG2711-T4615.99");
            assertThat(tickers(get(server, MARKETS + "?series_ticker=KXELONMARS", 200)))
                    .containsExactly("KXELONMARS-99");
            assertThat(tickers(get(server, MARKETS + "?tickers=KXELONMARS-99,KXSOLD-26FEB1317-T73.9999", 200)))
                    .containsExactly("KXSOLD-26FEB1317-T73.9999", "KXELONMARS-99");
        }
    }

    @Test
    void restPricesAndBooksAreWhereEveryWebSocketSessionStarts() throws Exception {
        String ticker = "KXXRP-26FEB1317-B1.3899500";
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 1, 9);
                WsTestClient client = server.connect()) {
            client.send(
                    "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_ticker\":\""
                            + ticker + "\"}}");
            client.next(WAIT);
            JsonNode snapshot = parse(client.next(WAIT)).get("msg");
            JsonNode book =
                    get(server, MARKETS + "/" + ticker + "/orderbook", 200).get("orderbook_fp");
            assertThat(book.get("yes_dollars")).isEqualTo(snapshot.get("yes_dollars_fp"));
            assertThat(book.get("no_dollars")).isEqualTo(snapshot.get("no_dollars_fp"));
            JsonNode market = get(server, MARKETS + "/" + ticker, 200).get("market");
            JsonNode bestYes = last(snapshot.get("yes_dollars_fp"));
            JsonNode bestNo = last(snapshot.get("no_dollars_fp"));
            assertThat(market.get("yes_bid_dollars").asText())
                    .isEqualTo(bestYes.get(0).asText());
            assertThat(market.get("yes_bid_size_fp").asText())
                    .isEqualTo(bestYes.get(1).asText());
            assertThat(new BigDecimal(market.get("yes_ask_dollars").asText()))
                    .isEqualTo(
                            BigDecimal.ONE.subtract(new BigDecimal(bestNo.get(0).asText())));
            assertThat(market.get("no_bid_dollars").asText())
                    .isEqualTo(bestNo.get(0).asText());
        }
    }

    @Test
    void eventsNestTheirMarketsWithTheirCategoryAndPage() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1)) {
            JsonNode first = get(server, "/trade-api/v2/events?status=open&with_nested_markets=true&limit=3", 200);
            assertThat(first.get("events"))
                    .extracting(e -> e.get("event_ticker").asText())
                    .containsExactly("KXBTCD-26AUG2017", "KXETHD-26FEB1217", "KXGOLDH-26AUG2711");
            JsonNode gold = first.at("/events/2");
            assertThat(gold.get("category").asText()).isEqualTo("Financials");
            assertThat(gold.get("series_ticker").asText()).isEqualTo("KXGOLDH");
            assertThat(tickers(gold)).containsExactly("KXGOLDH-26AUG2711-T4615.99", "KXGOLDH-26AUG2711-T4617.99");
            JsonNode rest = get(
                    server,
                    "/trade-api/v2/events?status=open&limit=10&cursor="
                            + first.get("cursor").asText(),
                    200);
            assertThat(rest.get("cursor").asText()).isEmpty();
            assertThat(rest.get("events"))
                    .hasSize(4)
                    .allSatisfy(e -> assertThat(e.has("markets")).isFalse());
            JsonNode one = get(server, "/trade-api/v2/events/KXGOLDH-26AUG2711", 200);
            assertThat(one.at("/event/category").asText()).isEqualTo("Financials");
            assertThat(tickers(one)).hasSize(2);
            get(server, "/trade-api/v2/events/KXNOPE-1", 404);
        }
    }

    @Test
    void lifecycleEventsChangeTheUniverseAndReachLifecycleSubscribers() throws Exception {
        String ticker = "KXHIGHNY-26AUG20-T90";
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 1);
                WsTestClient client = server.connect()) {
            client.send("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"market_lifecycle_v2\"]}}");
            client.nextMatching(f -> f.contains("\"subscribed\""), WAIT);

            post(server, "{\"event\":\"created\",\"tickers\":[\"" + ticker + "\"]}", 200);
            JsonNode created = parse(client.nextMatching(f -> f.contains(ticker), WAIT));
            assertThat(created.at("/msg/event_type").asText()).isEqualTo("created");
            assertThat(created.at("/msg/additional_metadata/event_ticker").asText())
                    .isEqualTo("KXHIGHNY-26AUG20");
            assertThat(get(server, MARKETS + "/" + ticker, 200)
                            .at("/market/status")
                            .asText())
                    .isEqualTo("initialized");
            assertThat(get(server, MARKETS + "/" + ticker, 200)
                            .at("/market/category")
                            .asText())
                    .isEqualTo("Climate and Weather");
            assertThat(tickers(get(server, MARKETS + "?status=open&limit=1000", 200)))
                    .doesNotContain(ticker);

            post(server, "{\"event\":\"activated\",\"tickers\":[\"" + ticker + "\"]}", 200);
            assertThat(parse(client.nextMatching(f -> f.contains(ticker), WAIT))
                            .at("/msg/event_type")
                            .asText())
                    .isEqualTo("activated");
            assertThat(tickers(get(server, MARKETS + "?status=open&limit=1000", 200)))
                    .contains(ticker);

            post(server, "{\"event\":\"determined\",\"tickers\":[\"" + ticker + "\"]}", 200);
            JsonNode determined = parse(client.nextMatching(f -> f.contains(ticker), WAIT));
            assertThat(determined.at("/msg/result").asText()).isEqualTo("yes");
            assertThat(determined.get("seq").asLong())
                    .isGreaterThan(created.get("seq").asLong());
            assertThat(get(server, MARKETS + "/" + ticker, 200)
                            .at("/market/status")
                            .asText())
                    .isEqualTo("determined");

            assertThat(post(server, "{\"event\":\"created\",\"tickers\":[\"" + ticker + "\"]}", 400))
                    .contains("exists already");
            assertThat(post(server, "{\"event\":\"settled\",\"tickers\":[\"KXNOPE-1\"]}", 400))
                    .contains("no market");
            assertThat(post(server, "{\"event\":\"opened\",\"tickers\":[\"" + ticker + "\"]}", 400))
                    .contains("event must be one of");
        }
    }

    private static String post(KalshiTestServer server, String body, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(server.http("/control/lifecycle"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response.body();
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
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(server.http(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(pathAndQuery + ": " + response.body())
                .isEqualTo(status);
        return parse(response.body());
    }
}
