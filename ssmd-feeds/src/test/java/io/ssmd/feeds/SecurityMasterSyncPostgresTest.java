package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Market;
import io.ssmd.core.meta.MarketChange;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.OutboxEvent;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security master filled from the replay servers of all four venues, in PostgreSQL: exact counts, history and
 * outbox rows for a market changed on the server, and a Kalshi sync through 429s with Retry-After.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityMasterSyncPostgresTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    /** Markets (Kraken: pairs, Polymarket: tokens, two per market) each replay server lists. */
    static final Map<String, Integer> SCALE = scale();

    private static Map<String, Integer> scale() {
        Map<String, Integer> scale = new LinkedHashMap<>();
        scale.put("kalshi", 1_000);
        scale.put("kraken", 300);
        scale.put("kraken-futures", 60);
        scale.put("polymarket", 400);
        return scale;
    }

    /**
     * Kalshi's universe as Kalshi has it, many events of a few markets (the replay server's own synthetic list is a
     * few long strike ladders): the default markets, then 5 strikes of each of about 200 daily Bitcoin events.
     */
    static List<String> kalshiMarkets(int n) {
        List<String> tickers = new ArrayList<>(io.ssmd.feeds.kalshi.replay.KalshiReplayServer.defaultInstruments());
        for (int e = 0; tickers.size() < n; e++) {
            String event = String.format("KXBTCD-26DEC%02d%02d", 1 + e % 28, e / 28);
            for (int k = 0; k < 5 && tickers.size() < n; k++) {
                tickers.add(event + "-T" + (90_000 + 250 * k) + ".99");
            }
        }
        return tickers;
    }

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static ActorTestKit kit;
    static Map<String, ServerBinding> servers = new LinkedHashMap<>();
    static Environment environment;
    static Database db;
    static SecurityMaster master;

    @TempDir
    static Path dir;

    /** Small pages so that every paged listing takes several; no spacing; retries that wait 10 ms. */
    static final SecmasterSettings SETTINGS = SecmasterSettings.defaults()
            .withRetry(6, Duration.ofMillis(10), Duration.ZERO)
            .withPageLimit(20);

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create();
        StringBuilder env = new StringBuilder("name: secm\nfeeds-dir: " + dir + "\nfeeds:\n");
        for (VenueModule venue : Venues.all()) {
            String id = venue.id();
            ReplaySettings settings = ReplaySettings.synthetic(id, 0, 0, 7)
                    .withInstruments(
                            id.equals("kalshi")
                                    ? kalshiMarkets(SCALE.get(id))
                                    : venue.syntheticInstruments(SCALE.get(id)));
            ServerBinding binding = ReplayServer.create(
                            kit.system(), venue.replayServer(settings), settings, new Faults())
                    .bind()
                    .toCompletableFuture()
                    .join();
            servers.put(id, binding);
            Files.writeString(
                    dir.resolve(id + ".yaml"),
                    feedFile(id, binding.localAddress().getPort()));
            env.append("  ")
                    .append(id)
                    .append(":\n    enabled: true\n    instruments: [")
                    .append(String.join(
                            ", ",
                            venue.defaultInstruments().subList(0, 1).stream()
                                    .map(i -> "\"" + i + "\"")
                                    .toList()))
                    .append("]\n");
        }
        Path envFile = Files.writeString(dir.resolve("secm.yaml"), env.toString());
        environment = EnvironmentLoader.load(
                envFile,
                Map.of(
                        "KALSHI_API_KEY_ID",
                        "a952bcbe-ec3b-4b5b-b8f9-11dae589608c",
                        "KALSHI_PRIVATE_KEY_FILE",
                        kalshiKey().toString()));
        db = Database.open(POSTGRES.settings());
        master = new SecurityMaster(Metadata.of(db));
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
        kit.shutdownTestKit();
    }

    /** The shipped feed file of the venue with its endpoints moved to the replay server on {@code port}. */
    static String feedFile(String venue, int port) throws IOException {
        String base = "http://127.0.0.1:" + port;
        String rest = switch (venue) {
            case "kalshi" -> base + "/trade-api/v2";
            case "kraken" -> base + "/0/public";
            case "kraken-futures" -> base + "/derivatives/api/v3";
            default -> base;
        };
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(shippedFeeds().resolve(venue + ".yaml"))) {
            String trimmed = line.trim();
            if (trimmed.startsWith("rest:")) {
                line = "  rest: " + rest;
            } else if (trimmed.startsWith("discovery:")) {
                line = "  discovery: " + base;
            } else if (trimmed.startsWith("websocket:")) {
                line = "  websocket: ws://127.0.0.1:" + port + "/ws";
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    static Path shippedFeeds() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("exchanges/feeds"))) {
                return d.resolve("exchanges/feeds");
            }
        }
        throw new IllegalStateException("exchanges/feeds not found above the working directory");
    }

    /** A throwaway RSA key in PEM, for the Kalshi feed file's credentials (the sync itself reads public REST). */
    static Path kalshiKey() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String body = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        return Files.writeString(
                dir.resolve("kalshi.pem"), "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    }

    private static SecurityMaster.SyncCounts sync(String feed, VenueRest rest) throws InterruptedException {
        EnabledFeed enabled = environment.feed(feed).orElseThrow();
        return new SecmasterSync(master, f -> rest).sync(enabled, line -> {});
    }

    private static VenueRest rest() {
        return new VenueRest(HTTP, SETTINGS, d -> {}, RandomGenerator.getDefault());
    }

    private static int count(String sql) throws Exception {
        try (Connection c = POSTGRES.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return Math.toIntExact(rs.getLong(1));
        }
    }

    private static HttpResponse<String> post(String venue, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + servers.get(venue).localAddress().getPort() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void aFirstSyncFillsMarketsForAllFourVenuesWithExactCounts() throws Exception {
        for (String feed : SCALE.keySet()) {
            SecurityMaster.SyncCounts counts = sync(feed, rest());
            assertThat(counts.created()).as(feed).isEqualTo(SCALE.get(feed));
            assertThat(counts.updated() + counts.unchanged() + counts.removed())
                    .as(feed)
                    .isZero();
            assertThat(count("SELECT COUNT(*) FROM markets WHERE feed = '" + feed + "'"))
                    .as(feed)
                    .isEqualTo(SCALE.get(feed));
            assertThat(count("SELECT COUNT(*) FROM secmaster_outbox WHERE feed = '" + feed + "' AND event = 'created'"))
                    .as(feed)
                    .isEqualTo(SCALE.get(feed));
        }
        assertThat(count("SELECT COUNT(*) FROM markets WHERE status <> 'active'"))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM market_history")).isZero();

        // What each venue's row looks like.
        Market btc = master.show("kraken", "BTC/USD");
        assertThat(btc.market().aliases()).containsExactly("XBT/USD", "XBTUSD");
        assertThat(btc.market().venueId()).isEqualTo("XXBTZUSD");
        assertThat(master.show("kraken", "XBT/USD").instrument()).isEqualTo("BTC/USD");
        Market gold = master.show("kalshi", "KXGOLDH-26AUG2711-T4615.99");
        assertThat(gold.market().category()).isEqualTo("Financials");
        assertThat(gold.market().series()).isEqualTo("KXGOLDH");
        assertThat(gold.market().event()).isEqualTo("KXGOLDH-26AUG2711");
        assertThat(gold.market().closeTime()).isNotNull();
        Market pf = master.show("kraken-futures", "PF_XBTUSD");
        assertThat(pf.market().tickSize()).isEqualTo("1");
        List<Market> tokens = master.list(new SecurityMaster.Filter(
                Optional.of("polymarket"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(tokens).allSatisfy(t -> {
            assertThat(t.market().venueId()).startsWith("0x");
            assertThat(t.market().rules()).contains("\"neg_risk\"").contains("\"complement\"");
            assertThat(t.market().tickSize()).isNotNull();
        });
        assertThat(tokens.stream().map(t -> t.market().venueId()).distinct().count())
                .isEqualTo((long) (SCALE.get("polymarket") / 2));
    }

    @Test
    @Order(2)
    void aSecondSyncAfterThreeFieldsOfOneMarketChangedGivesThreeHistoryRowsAndThreeOutboxEvents() throws Exception {
        long mark = master.outboxHighWater();
        String ticker = "KXBTCD-26AUG2017-T73749.99";
        HttpResponse<String> changed = post(
                "kalshi",
                "/control/markets/" + ticker,
                "{\"title\":\"Bitcoin above 73749.99 on Aug 20 at 5pm?\",\"close_time\":\"2026-08-20T22:00:00Z\","
                        + "\"expected_expiration_time\":\"2026-08-20T22:05:00Z\"}");
        assertThat(changed.statusCode()).isEqualTo(200);

        SecurityMaster.SyncCounts counts = sync("kalshi", rest());

        assertThat(counts.updated()).isEqualTo(1);
        assertThat(counts.unchanged()).isEqualTo(SCALE.get("kalshi") - 1);
        assertThat(counts.historyRows()).isEqualTo(3);
        Market market = master.show("kalshi", ticker);
        List<MarketChange> history = master.history(market);
        assertThat(history)
                .extracting(MarketChange::field, MarketChange::newValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("title", "Bitcoin above 73749.99 on Aug 20 at 5pm?"),
                        org.assertj.core.groups.Tuple.tuple("close_time", "2026-08-20T22:00:00Z"),
                        org.assertj.core.groups.Tuple.tuple("settlement_time", "2026-08-20T22:05:00Z"));
        List<OutboxEvent> events = master.outbox(Optional.empty(), mark);
        assertThat(events).hasSize(3).allSatisfy(e -> {
            assertThat(e.event()).isEqualTo("updated");
            assertThat(e.instrument()).isEqualTo(ticker);
            assertThat(e.publishedAt()).isEmpty();
        });
        assertThat(count("SELECT COUNT(*) FROM market_history")).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM secmaster_outbox"))
                .isEqualTo(SCALE.values().stream().mapToInt(i -> i).sum() + 3);
    }

    @Test
    @Order(3)
    void aKalshiSyncThroughRateLimitingRetriesAfterRetryAfterAndLosesNothing() throws Exception {
        long mark = master.outboxHighWater();
        assertThat(post("kalshi", "/control/rest", "{\"throttle-every\":3,\"retry-after\":2}")
                        .statusCode())
                .isEqualTo(200);
        List<Duration> waits = new CopyOnWriteArrayList<>();
        VenueRest throttled = new VenueRest(HTTP, SETTINGS, waits::add, RandomGenerator.getDefault());
        try {
            SecurityMaster.SyncCounts counts = sync("kalshi", throttled);

            assertThat(throttled.retries()).isGreaterThanOrEqualTo(4);
            assertThat(waits)
                    .hasSize((int) throttled.retries())
                    .allSatisfy(w -> assertThat(w).isEqualTo(Duration.ofSeconds(2)));
            assertThat(counts.unchanged()).isEqualTo(SCALE.get("kalshi"));
            assertThat(counts.created() + counts.updated() + counts.removed()).isZero();
            assertThat(master.outbox(Optional.empty(), mark)).isEmpty();
            assertThat(count("SELECT COUNT(*) FROM markets WHERE feed = 'kalshi' AND status = 'active'"))
                    .isEqualTo(SCALE.get("kalshi"));
        } finally {
            post("kalshi", "/control/rest", "{\"throttle-every\":0}");
        }
    }

    @Test
    @Order(4)
    void aMarketTheVenueStopsListingIsRemovedAndAHaltedContractIsAStatusChange() throws Exception {
        long mark = master.outboxHighWater();
        assertThat(post("kraken-futures", "/control/instruments/PF_ETHUSD", "{\"tradeable\":false}")
                        .statusCode())
                .isEqualTo(200);
        SecurityMaster.SyncCounts counts = sync("kraken-futures", rest());
        assertThat(counts.updated()).isEqualTo(1);
        assertThat(master.outbox(Optional.empty(), mark))
                .extracting(OutboxEvent::instrument, OutboxEvent::event)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("PF_ETHUSD", "status_changed"),
                        org.assertj.core.groups.Tuple.tuple("PF_ETHUSD", "updated"));
        assertThat(master.show("kraken-futures", "PF_ETHUSD").status()).isEqualTo("halted");
        List<String> statuses = new ArrayList<>();
        master.list(new SecurityMaster.Filter(
                        Optional.of("kraken-futures"),
                        Optional.of("halted"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()))
                .forEach(m -> statuses.add(m.instrument()));
        assertThat(statuses).containsExactly("PF_ETHUSD");
    }
}
