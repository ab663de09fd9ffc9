package io.ssmd.http.meta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.GatewaySpec;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.settings.NodeSettings.HttpSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.http.HttpServer;
import io.ssmd.http.gateway.ApiKeys;
import io.ssmd.http.gateway.GatewayCore;
import io.ssmd.http.gateway.GatewayFeed;
import io.ssmd.http.gateway.GatewayMetrics;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/markets…} from the security master over real HTTP against the PostgreSQL {@code ./ssmd test} starts: 250
 * Kalshi markets and two Kraken pairs stored by {@link SecurityMaster#sync} as a venue sync stores them, one Kalshi
 * market then settled by a second sync, and a real {@link GatewayCore} holding a book of one market (restored from an
 * ssmd book snapshot, as a gateway starts) for the top of book.
 */
class MarketRoutesPostgresTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    static final String KEY = "markets-test-key";
    static final Instant T1 = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant T2 = Instant.parse("2026-12-02T00:00:00Z");
    static final String BOOKED = "KXBTCD-26DEC0117-T90000.99";
    static final String SETTLED = "KXBTCD-26DEC0117-T90250.99";
    /** The book's time: 2026-12-01T10:00:00.123456Z in epoch µs. */
    static final long BOOK_AT = Instant.parse("2026-12-01T10:00:00.123456Z").toEpochMilli() * 1000 + 456;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    static ActorTestKit kit;
    static Database db;
    static ExecutorService blocking;
    static ServerBinding open;
    static ServerBinding guarded;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create();
        db = Database.open(POSTGRES.settings());
        SecurityMaster master = new SecurityMaster(Metadata.of(db));
        List<MarketRecord> kalshi = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            kalshi.add(kalshi("KXBTCD-26DEC0117-T" + (90_000 + 250 * i) + ".99", MarketRecord.ACTIVE, null));
        }
        kalshi.add(kalshi("KXHIGHNY-26DEC01-B45.5", MarketRecord.ACTIVE, "Climate and Weather"));
        master.sync("kalshi", kalshi, true, T1);
        master.sync("kraken", List.of(kraken("BTC/USD", "XXBTZUSD"), kraken("ETH/USD", "XETHZUSD")), true, T1);
        List<MarketRecord> later = new ArrayList<>(kalshi);
        later.set(1, kalshi(SETTLED, MarketRecord.SETTLED, null));
        master.sync("kalshi", later, true, T2);
        // What a feed manager writes of a market it could not subscribe (GET /v1/markets/{feed}/{id} shows it).
        master.subscriptions()
                .apply(
                        "kalshi",
                        List.of(new io.ssmd.core.meta.MarketSubscriptions.Subscription(
                                "kalshi", BOOKED, "pending", "kalshi-0", 1, "code 16: Market not found", T2)),
                        List.of());

        GatewayCore core = new GatewayCore(
                List.of(new GatewayFeed("kalshi", Optional.empty(), OptionalInt.empty(), List.of())),
                new GatewaySpec(true, Optional.empty(), 100, Duration.ofSeconds(30), 50),
                GatewayMetrics.create(new PrometheusRegistry()));
        core.restoreBook(new SsmdBookSnapshot(
                "kalshi",
                BOOKED,
                7,
                BOOK_AT,
                List.of(level("0.41", "120"), level("0.40", "5")),
                List.of(level("0.43", "80"))));

        blocking = Executors.newFixedThreadPool(2);
        Route routes = new MarketRoutes(Metadata.of(db), blocking, core::topOfBook).route();
        Path keys = Files.writeString(dir.resolve("api-keys"), ApiKeys.hash(KEY) + "\n");
        open = bind(ApiKeys.none().guard(() -> routes));
        guarded = bind(ApiKeys.load(keys).guard(() -> routes));
    }

    @AfterAll
    static void stop() {
        for (ServerBinding b : new ServerBinding[] {open, guarded}) {
            if (b != null) {
                b.terminate(Duration.ofSeconds(2)).toCompletableFuture().join();
            }
        }
        kit.shutdownTestKit();
        if (blocking != null) {
            blocking.shutdownNow();
        }
        if (db != null) {
            db.close();
        }
    }

    static MarketRecord kalshi(String ticker, String status, String category) {
        String event = ticker.substring(0, ticker.lastIndexOf('-'));
        return new MarketRecord(
                "kalshi",
                ticker,
                "id-" + ticker,
                List.of(),
                "Bitcoin price range " + ticker,
                category == null ? "Crypto" : category,
                event.substring(0, event.indexOf('-')),
                event,
                status,
                status.equals(MarketRecord.SETTLED) ? "finalized" : "active",
                T1.minusSeconds(86_400),
                Instant.parse("2026-12-01T22:00:00Z"),
                Instant.parse("2026-12-01T22:05:00Z"),
                null,
                status.equals(MarketRecord.SETTLED) ? "yes" : null,
                status.equals(MarketRecord.SETTLED) ? T2 : null,
                "0.01",
                "1",
                2,
                0,
                "{\"price_ranges\":[{\"start\":\"0.00\",\"end\":\"1.00\",\"step\":\"0.01\"}]}",
                "{\"ticker\":\"" + ticker + "\"}");
    }

    static MarketRecord kraken(String symbol, String pair) {
        return new MarketRecord(
                "kraken",
                symbol,
                pair,
                List.of(symbol.replace("BTC", "XBT"), symbol.replace("/", "").replace("BTC", "XBT")),
                symbol,
                null,
                null,
                null,
                MarketRecord.ACTIVE,
                "online",
                null,
                null,
                null,
                null,
                null,
                null,
                "0.1",
                "0.0001",
                1,
                8,
                "{}",
                "{\"altname\":\"" + symbol.replace("/", "") + "\"}");
    }

    static Level level(String price, String size) {
        return new Level(new BigDecimal(price), new BigDecimal(size));
    }

    static ServerBinding bind(Route route) {
        return HttpServer.bind(kit.system(), new HttpSettings("127.0.0.1", 0), route)
                .toCompletableFuture()
                .join();
    }

    static HttpResponse<String> get(ServerBinding binding, String path, Optional<String> key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
                .timeout(Duration.ofSeconds(10));
        key.ifPresent(k -> request.header(ApiKeys.HEADER, k));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return get(open, path, Optional.empty());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    @Test
    void listsAHundredByDefaultWithTheTotalAndFiltersByFeedStatusCategoryAndSearch() throws Exception {
        HttpResponse<String> all = get("/v1/markets");
        assertThat(all.statusCode()).isEqualTo(200);
        JsonNode body = json(all);
        assertThat(body.path("total").asInt()).isEqualTo(253);
        assertThat(body.path("limit").asInt()).isEqualTo(MarketRoutes.DEFAULT_LIMIT);
        assertThat(body.path("markets")).hasSize(MarketRoutes.DEFAULT_LIMIT);
        JsonNode first = body.path("markets").get(0);
        assertThat(first.path("feed").asText()).isEqualTo("kalshi");
        assertThat(first.path("instrument").asText()).startsWith("KXBTCD-26DEC0117-T");
        assertThat(first.path("rules").path("price_ranges").isArray()).isTrue();

        JsonNode page = json(get("/v1/markets?feed=kalshi&limit=2&offset=249"));
        assertThat(page.path("total").asInt()).isEqualTo(251);
        assertThat(page.path("markets").findValuesAsText("instrument"))
                .containsExactly("KXBTCD-26DEC0117-T99750.99", "KXHIGHNY-26DEC01-B45.5");

        JsonNode settled = json(get("/v1/markets?status=settled"));
        assertThat(settled.path("markets").findValuesAsText("instrument")).containsExactly(SETTLED);
        assertThat(settled.path("markets").get(0).path("result").asText()).isEqualTo("yes");
        JsonNode weather = json(get("/v1/markets?category=climate%20and%20weather"));
        assertThat(weather.path("markets").findValuesAsText("instrument")).containsExactly("KXHIGHNY-26DEC01-B45.5");
        JsonNode search = json(get("/v1/markets?feed=kraken&search=xbtusd"));
        assertThat(search.path("markets").findValuesAsText("instrument")).containsExactly("BTC/USD");
        assertThat(search.path("markets").get(0).path("aliases").get(0).asText())
                .isEqualTo("XBT/USD");
    }

    @Test
    void asOfShowsEachMarketAsItWasThen() throws Exception {
        JsonNode before = json(get("/v1/markets?feed=kalshi&search=T90250&as_of=2026-12-01T12:00:00Z"));
        assertThat(before.path("markets").get(0).path("status").asText()).isEqualTo("active");
        assertThat(json(get("/v1/markets?feed=kalshi&search=T90250"))
                        .path("markets")
                        .get(0)
                        .path("status")
                        .asText())
                .isEqualTo("settled");
        assertThat(json(get("/v1/markets?as_of=2026-11-30")).path("total").asInt())
                .isZero();
    }

    @Test
    void badParametersAre400sWithAReasonAndUnknownNamesSayDidYouMean() throws Exception {
        for (String bad : List.of("limit=0", "limit=lots", "limit=1001", "offset=-1")) {
            HttpResponse<String> response = get("/v1/markets?" + bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(response).path("error").asText())
                    .as(bad)
                    .contains(bad.substring(0, bad.indexOf('=')) + " must be a whole number");
        }
        HttpResponse<String> asOf = get("/v1/markets?as_of=yesterday");
        assertThat(asOf.statusCode()).isEqualTo(400);
        assertThat(json(asOf).path("error").asText()).startsWith("as_of: ");

        HttpResponse<String> feed = get("/v1/markets?feed=kalshy");
        assertThat(feed.statusCode()).isEqualTo(400);
        assertThat(json(feed).path("did_you_mean").asText()).isEqualTo("kalshi");
        assertThat(json(feed).path("error").asText()).contains("Did you mean 'kalshi'?");
        assertThat(json(feed).path("known").toString()).isEqualTo("[\"kalshi\",\"kraken\"]");

        HttpResponse<String> status = get("/v1/markets?status=setled");
        assertThat(status.statusCode()).isEqualTo(400);
        assertThat(json(status).path("did_you_mean").asText()).isEqualTo("settled");
        HttpResponse<String> category = get("/v1/markets?feed=kalshi&category=Crytpo");
        assertThat(category.statusCode()).isEqualTo(400);
        assertThat(json(category).path("did_you_mean").asText()).isEqualTo("Crypto");
        HttpResponse<String> typo = get("/v1/markets?feeds=kalshi");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(json(typo).path("error").asText()).contains("unknown parameter [feeds]");
    }

    @Test
    void oneMarketCarriesItsFieldsRulesRawAndTheGatewaysTopOfBook() throws Exception {
        HttpResponse<String> response = get("/v1/markets/kalshi/" + BOOKED);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode m = json(response);
        assertThat(m.path("title").asText()).isEqualTo("Bitcoin price range " + BOOKED);
        assertThat(m.path("category").asText()).isEqualTo("Crypto");
        assertThat(m.path("status").asText()).isEqualTo("active");
        assertThat(m.path("venue_id").asText()).isEqualTo("id-" + BOOKED);
        assertThat(m.path("series").asText()).isEqualTo("KXBTCD");
        assertThat(m.path("event").asText()).isEqualTo("KXBTCD-26DEC0117");
        assertThat(m.path("close_time").asText()).isEqualTo("2026-12-01T22:00:00Z");
        assertThat(m.path("expiration_time").asText()).isEqualTo("2026-12-01T22:05:00Z");
        assertThat(m.path("tick_size").asText()).isEqualTo("0.01");
        assertThat(m.path("rules").path("price_ranges").get(0).path("step").asText())
                .isEqualTo("0.01");
        assertThat(m.path("raw").path("ticker").asText()).isEqualTo(BOOKED);
        JsonNode top = m.path("top_of_book");
        assertThat(top.path("bid").asText()).isEqualTo("0.41");
        assertThat(top.path("bid_size").asText()).isEqualTo("120");
        assertThat(top.path("ask").asText()).isEqualTo("0.43");
        assertThat(top.path("ask_size").asText()).isEqualTo("80");
        assertThat(top.path("at").asText()).isEqualTo("2026-12-01T10:00:00.123456Z");
        assertThat(top.path("source").asText()).isEqualTo("book");
        JsonNode subscription = m.path("subscription");
        assertThat(subscription.path("state").asText()).isEqualTo("pending");
        assertThat(subscription.path("shard").asText()).isEqualTo("kalshi-0");
        assertThat(subscription.path("attempts").asInt()).isEqualTo(1);
        assertThat(subscription.path("last_error").asText()).isEqualTo("code 16: Market not found");

        // Not streamed by this gateway: the security master's answer without a top of book.
        JsonNode btc = json(get("/v1/markets/kraken/BTC%2FUSD"));
        assertThat(btc.path("venue_id").asText()).isEqualTo("XXBTZUSD");
        assertThat(btc.path("top_of_book").isNull()).isTrue();
        assertThat(btc.path("subscription").isNull()).isTrue();
        // By an alias too.
        assertThat(json(get("/v1/markets/kraken/XBTUSD")).path("instrument").asText())
                .isEqualTo("BTC/USD");
    }

    @Test
    void historyListsTheChangedFieldsOldestFirst() throws Exception {
        JsonNode body = json(get("/v1/markets/kalshi/" + SETTLED + "/history"));
        assertThat(body.path("instrument").asText()).isEqualTo(SETTLED);
        JsonNode history = body.path("history");
        assertThat(history.findValuesAsText("field")).containsExactly("status", "venue_status", "result", "settled_at");
        assertThat(history.get(0).path("old").asText()).isEqualTo("active");
        assertThat(history.get(0).path("new").asText()).isEqualTo("settled");
        assertThat(history.get(0).path("changed_at").asText()).isEqualTo(T2.toString());
        assertThat(json(get("/v1/markets/kalshi/" + BOOKED + "/history")).path("history"))
                .isEmpty();
    }

    @Test
    void anUnknownMarketOrFeedIsA404WithTheClosestNames() throws Exception {
        HttpResponse<String> market = get("/v1/markets/kalshi/KXBTCD-26DEC0117-T90000.98");
        assertThat(market.statusCode()).isEqualTo(404);
        assertThat(json(market).path("error").asText()).contains("unknown market of feed kalshi");
        assertThat(json(market).path("known").get(0).asText()).isEqualTo(BOOKED);
        HttpResponse<String> history = get("/v1/markets/kalshi/NOPE/history");
        assertThat(history.statusCode()).isEqualTo(404);
        HttpResponse<String> feed = get("/v1/markets/krakn/BTC%2FUSD");
        assertThat(feed.statusCode()).isEqualTo(404);
        assertThat(json(feed).path("did_you_mean").asText()).isEqualTo("kraken");
        // The gateway's paths are left to the gateway: nothing here matches them.
        assertThat(get("/v1/markets/BTC%2FUSD/trades").statusCode()).isEqualTo(404);
        assertThat(get("/v1/markets/BTC%2FUSD/trades").body()).doesNotContain("did_you_mean");
    }

    @Test
    void behindApiKeysEveryRouteNeedsTheKey() throws Exception {
        for (String path :
                List.of("/v1/markets", "/v1/markets/kalshi/" + BOOKED, "/v1/markets/kalshi/" + BOOKED + "/history")) {
            assertThat(get(guarded, path, Optional.empty()).statusCode())
                    .as(path)
                    .isEqualTo(401);
            assertThat(get(guarded, path, Optional.of("guess")).statusCode())
                    .as(path)
                    .isEqualTo(401);
            assertThat(get(guarded, path, Optional.of(KEY)).statusCode())
                    .as(path)
                    .isEqualTo(200);
        }
    }
}
