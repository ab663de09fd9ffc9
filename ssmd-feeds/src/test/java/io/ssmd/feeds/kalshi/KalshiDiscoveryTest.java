package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery against the Kalshi replay server's /events and a small local server playing Kalshi's /events. */
class KalshiDiscoveryTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private HttpServer events;

    @AfterEach
    void stopEvents() {
        if (events != null) {
            events.stop(0);
        }
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    private KalshiDiscovery discovery(
            URI rest, List<String> categories, List<String> excluded, List<String> series, OptionalInt max) {
        KalshiSettings settings = new KalshiSettings(
                "kalshi",
                URI.create("ws://127.0.0.1/trade-api/ws/v2"),
                Optional.of(rest),
                KalshiSettings.MARKET_CHANNELS,
                true,
                Optional.empty(),
                categories,
                excluded,
                series,
                200,
                max,
                Duration.ofMillis(300),
                3,
                3,
                Duration.ofMillis(100));
        return KalshiDiscovery.create(settings, HTTP, waits::add, new SplittableRandom(1));
    }

    @Test
    void theReplayServersEventsArePagedThroughWithTheirMarketsAndCategories() throws Exception {
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 10, 1)) {
            KalshiUniverse all = discovery(
                            server.http("/trade-api/v2"), List.of(), List.of(), List.of(), OptionalInt.empty())
                    .discover();

            assertThat(all.tickers()).containsExactlyElementsOf(KalshiReplayServer.defaultInstruments());
            assertThat(all.byCategory()).containsOnlyKeys("crypto", "financials", "science_and_technology");
            assertThat(all.categoryByTicker()).containsEntry("KXGOLDH-26AUG2711-T4615.99", "Financials");
            // 8 markets in 7 events (the two gold strikes share one), 3 events a page: three pages, 300 ms apart.
            assertThat(waits).containsExactly(Duration.ofMillis(300), Duration.ofMillis(300));

            waits.clear();
            KalshiUniverse crypto = discovery(
                            server.http("/trade-api/v2"), List.of("Crypto"), List.of(), List.of(), OptionalInt.of(3))
                    .discover();
            assertThat(crypto.tickers())
                    .containsExactly(
                            "KXBTCD-26AUG2017-T73749.99", "KXETHD-26FEB1217-T1819.99", "KXSOLD-26FEB1317-T73.9999");
            KalshiUniverse notCrypto = discovery(
                            server.http("/trade-api/v2"),
                            List.of(),
                            List.of("crypto"),
                            List.of("KXGOLDH"),
                            OptionalInt.empty())
                    .discover();
            assertThat(notCrypto.tickers()).containsExactly("KXGOLDH-26AUG2711-T4615.99", "KXGOLDH-26AUG2711-T4617.99");
        }
    }

    @Test
    void eventsGiveTheirMarketsTheirCategoryAndAPageFailingTwiceStillCompletes() throws Exception {
        AtomicInteger secondPageTries = new AtomicInteger();
        startEvents(exchange -> {
            String query = exchange.getRequestURI().getQuery();
            queries.add(query);
            if (!query.contains("cursor=")) {
                respond(exchange, 200, Map.of(), PAGE_ONE);
            } else if (secondPageTries.incrementAndGet() == 1) {
                respond(exchange, 500, Map.of(), "{}");
            } else if (secondPageTries.get() == 2) {
                respond(exchange, 429, Map.of("Retry-After", "7"), "{}");
            } else {
                respond(exchange, 200, Map.of(), PAGE_TWO);
            }
        });
        KalshiUniverse universe = discovery(eventsUri(), List.of(), List.of("Politics"), List.of(), OptionalInt.empty())
                .discover();

        // The unopened market and the excluded category are left out; markets take their event's category.
        assertThat(universe.tickers()).containsExactly("KXHIGHNY-26AUG27-B80.5", "KXNBA-26-OKC");
        assertThat(universe.categoryByTicker())
                .containsEntry("KXHIGHNY-26AUG27-B80.5", "Climate and Weather")
                .containsEntry("KXHIGHNY-26AUG27", "Climate and Weather")
                .containsEntry("KXNBA", "Sports");
        assertThat(universe.markets().get(0).categoryToken()).isEqualTo("climate_and_weather");
        assertThat(queries)
                .hasSize(4)
                .allMatch(q -> q.contains("status=open") && q.contains("with_nested_markets=true"));
        assertThat(queries.get(3)).contains("cursor=page-2");
        // Page spacing, the 500's backoff (100 ms plus jitter), the 429's Retry-After.
        assertThat(waits).hasSize(3);
        assertThat(waits.get(0)).isEqualTo(Duration.ofMillis(300));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(150));
        assertThat(waits.get(2)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aPageFailingEveryTryFailsDiscoveryAndSeriesNarrowTheQuery() throws Exception {
        startEvents(exchange -> {
            queries.add(exchange.getRequestURI().getQuery());
            respond(exchange, 503, Map.of(), "{}");
        });
        assertThatThrownBy(() -> discovery(eventsUri(), List.of(), List.of(), List.of("KXNBA"), OptionalInt.empty())
                        .discover())
                .isInstanceOf(KalshiDiscovery.DiscoveryException.class)
                .hasMessageContaining("failed 3 times");
        assertThat(queries).hasSize(3).allMatch(q -> q.contains("series_ticker=KXNBA"));
    }

    @Test
    void withoutEventsTheMarketsListingIsReadAndLookupsFindCategoriesThroughTheEvent() throws Exception {
        events = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // No /events listing: the server answers 404 there, as one without it does.
        events.createContext("/trade-api/v2/markets", exchange -> {
            queries.add(exchange.getRequestURI().getQuery());
            respond(exchange, 200, Map.of(), """
                    {"cursor":"","markets":[
                      {"ticker":"KXHIGHNY-26AUG27-B80.5","event_ticker":"KXHIGHNY-26AUG27","status":"active"},
                      {"ticker":"KXNBA-26-OKC","event_ticker":"KXNBA-26","status":"active","category":"Sports"}]}
                    """);
        });
        events.createContext(
                "/trade-api/v2/events/KXHIGHNY-26AUG27",
                exchange -> respond(
                        exchange,
                        200,
                        Map.of(),
                        "{\"event\":{\"event_ticker\":\"KXHIGHNY-26AUG27\",\"series_ticker\":\"KXHIGHNY\","
                                + "\"category\":\"Climate and Weather\"},\"markets\":[]}"));
        events.start();
        KalshiDiscovery discovery = discovery(eventsUri(), List.of(), List.of(), List.of(), OptionalInt.empty());

        assertThat(discovery.discover().tickers()).containsExactly("KXHIGHNY-26AUG27-B80.5", "KXNBA-26-OKC");
        assertThat(queries.get(0)).contains("status=open");

        List<KalshiUniverse.Market> found = discovery.lookup(List.of("KXHIGHNY-26AUG27-B80.5", "KXNBA-26-OKC"));
        assertThat(queries.get(1)).contains("tickers=KXHIGHNY-26AUG27-B80.5,KXNBA-26-OKC");
        assertThat(found).extracting(KalshiUniverse.Market::category).containsExactly("Climate and Weather", "Sports");
        assertThat(found.get(0).seriesTicker()).isEqualTo("KXHIGHNY");
        assertThat(found)
                .allSatisfy(m -> assertThat(KalshiDiscovery.trades(m.status())).isTrue());
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private void startEvents(Handler handler) throws IOException {
        events = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        events.createContext("/trade-api/v2/events", handler::handle);
        events.start();
    }

    private URI eventsUri() {
        return URI.create("http://127.0.0.1:" + events.getAddress().getPort() + "/trade-api/v2");
    }

    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static final String PAGE_ONE = """
            {"cursor":"page-2","events":[
              {"event_ticker":"KXHIGHNY-26AUG27","series_ticker":"KXHIGHNY","category":"Climate and Weather",
               "markets":[{"ticker":"KXHIGHNY-26AUG27-B80.5","status":"active"},
                          {"ticker":"KXHIGHNY-26AUG27-B82.5","status":"initialized"}]},
              {"event_ticker":"KXPRES-28","series_ticker":"KXPRES","category":"Politics",
               "markets":[{"ticker":"KXPRES-28-DEM","status":"active"}]}]}
            """;
    private static final String PAGE_TWO = """
            {"cursor":"","events":[
              {"event_ticker":"KXNBA-26","series_ticker":"KXNBA","category":"Sports",
               "markets":[{"ticker":"KXNBA-26-OKC","status":"active","unknown_field":{"x":1}}]}]}
            """;
}
