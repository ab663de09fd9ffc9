package io.ssmd.http.meta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.FeedFiles;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.CanonicalConfig;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Deployer;
import io.ssmd.core.meta.Environments;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SchemaDefinition;
import io.ssmd.core.meta.SchemaRegistry;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.settings.NodeSettings.HttpSettings;
import io.ssmd.http.HttpServer;
import io.ssmd.http.gateway.ApiKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/meta/*} over real HTTP ({@link HttpServer#bind}, as a node binds it) against a real database, filled
 * through the registries as the CLI and the node fill it: two versions of the kraken feed, a schema with two versions,
 * an environment applied twice. Once without API keys and once behind them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetaRoutesContract {

    static final String KEY = "meta-test-key";
    static final Instant T1 = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant T2 = Instant.parse("2026-12-01T12:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final ActorTestKit testKit = ActorTestKit.create();

    @TempDir
    static Path dir;

    Database db;
    ServerBinding open;
    ServerBinding guarded;
    /** Every task the routes handed to the blocking executor, and the names of the threads that ran them. */
    final AtomicInteger blockingTasks = new AtomicInteger();

    final List<String> queryThreads = new ArrayList<>();
    ExecutorService blockingPool;

    abstract DatabaseSettings settings();

    @BeforeAll
    void start() throws Exception {
        db = Database.open(settings());
        Metadata metadata = Metadata.of(db);
        FeedRegistry feeds = new FeedRegistry(metadata);
        Path kraken = Files.createDirectories(dir.resolve("feeds")).resolve("kraken.yaml");
        Files.copy(shippedFeeds().resolve("kraken.yaml"), kraken);
        feeds.register(FeedFiles.read(kraken, "kraken"), T1);
        Files.writeString(
                kraken, Files.readString(kraken).replace("wss://ws.kraken.com/v2", "wss://ws-beta.kraken.com/v2"));
        feeds.register(FeedFiles.read(kraken, "kraken"), T2);
        Path kalshi = dir.resolve("feeds/kalshi.yaml");
        Files.copy(shippedFeeds().resolve("kalshi.yaml"), kalshi);
        feeds.register(FeedFiles.read(kalshi, "kalshi"), T1);
        feeds.disable("kalshi", T2);

        SchemaRegistry schemas = new SchemaRegistry(metadata);
        String v1 = "{\"properties\":{\"price\":{\"type\":\"string\"}},\"required\":[\"price\"],\"type\":\"object\"}";
        String v2 = "{\"properties\":{\"price\":{\"type\":\"string\"},\"size\":{\"type\":\"string\"}},"
                + "\"required\":[\"price\"],\"type\":\"object\"}";
        schemas.register(new SchemaDefinition("trade", 1, v1, ApiKeys.hash(v1), T1));
        schemas.register(new SchemaDefinition("trade", 2, v2, ApiKeys.hash(v2), T2));

        Environments environments = Environments.of(metadata);
        String yaml = "name: staging\nfeeds:\n  kraken:\n    enabled: true\n    instruments: [BTC/USD]\n";
        Deployer alice = new Deployer("alice", "cli", "staging.yaml", Optional.empty());
        environments.apply("staging", CanonicalConfig.ofYaml(yaml), alice, "apply");
        environments.apply(
                "staging", CanonicalConfig.ofYaml(yaml.replace("[BTC/USD]", "[BTC/USD, ETH/USD]")), alice, "apply");

        // Two days of kraken: a partial one with a gap and a quality issue, a complete one.
        DataInventory inventory = new DataInventory(metadata);
        long partial = inventory.record(
                inventoryDay(LocalDate.of(2026, 1, 1), DataInventory.PARTIAL),
                List.of(new DataInventory.GapRecord(
                        "connection_lost",
                        Instant.parse("2026-01-01T10:00:20Z"),
                        Instant.parse("2026-01-01T10:02:01Z"),
                        5L,
                        7L,
                        "kraken-0",
                        "restart",
                        "[\"BTC/USD\"]",
                        null,
                        "1000.jsonl.gz",
                        true)),
                T2);
        inventory.record(inventoryDay(LocalDate.of(2026, 1, 2), DataInventory.COMPLETE), List.of(), T2);
        metadata.jdbi()
                .useHandle(h -> h.createUpdate("INSERT INTO data_quality_issues (inventory_id, issue_type, severity,"
                                + " issue_count, sample, first_seen, last_seen) VALUES (:id, 'duplicate', 'warning', 3,"
                                + " '{\"trade_id\":7}', :t, :t)")
                        .bind("id", partial)
                        .bind("t", T2)
                        .execute());

        blockingPool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "test-blocking-" + blockingTasks.get());
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.Executor counting = task -> {
            blockingTasks.incrementAndGet();
            blockingPool.execute(() -> {
                synchronized (queryThreads) {
                    queryThreads.add(Thread.currentThread().getName());
                }
                task.run();
            });
        };
        MetaRoutes routes = new MetaRoutes(metadata, counting);
        Path keys = dir.resolve("api-keys");
        Files.writeString(keys, ApiKeys.hash(KEY) + "\n");
        ApiKeys apiKeys = ApiKeys.load(keys);
        open = bind(ApiKeys.none().guard(routes::route));
        guarded = bind(apiKeys.guard(routes::route));
    }

    private ServerBinding bind(org.apache.pekko.http.javadsl.server.Route route) {
        return HttpServer.bind(testKit.system(), new HttpSettings("127.0.0.1", 0), route)
                .toCompletableFuture()
                .join();
    }

    @AfterAll
    void stop() {
        for (ServerBinding b : new ServerBinding[] {open, guarded}) {
            if (b != null) {
                b.terminate(Duration.ofSeconds(2)).toCompletableFuture().join();
            }
        }
        testKit.shutdownTestKit();
        if (blockingPool != null) {
            blockingPool.shutdownNow();
        }
        if (db != null) {
            db.close();
        }
    }

    static HttpResponse<String> get(ServerBinding binding, String path, Optional<String> key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
                .timeout(Duration.ofSeconds(10));
        key.ifPresent(k -> request.header(ApiKeys.HEADER, k));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return get(open, path, Optional.empty());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    @Test
    void listsEveryFeedWithTheVersionInEffect() throws Exception {
        HttpResponse<String> response = get("/v1/meta/feeds");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode feeds = json(response).path("feeds");
        assertThat(feeds).hasSize(2);
        JsonNode kalshi = feeds.get(0);
        assertThat(kalshi.path("name").asText()).isEqualTo("kalshi");
        assertThat(kalshi.path("status").asText()).isEqualTo("disabled");
        assertThat(kalshi.path("disabled_at").asText()).isEqualTo(T2.toString());
        JsonNode kraken = feeds.get(1);
        assertThat(kraken.path("venue").asText()).isEqualTo("kraken");
        assertThat(kraken.path("version").path("version").asInt()).isEqualTo(2);
        assertThat(kraken.path("version").path("endpoint").asText()).isEqualTo("wss://ws-beta.kraken.com/v2");
        assertThat(kraken.path("version").path("parser_config").isObject()).isTrue();

        JsonNode active = json(get("/v1/meta/feeds?status=active")).path("feeds");
        assertThat(active).hasSize(1);
        assertThat(active.get(0).path("name").asText()).isEqualTo("kraken");
        JsonNode november = json(get("/v1/meta/feeds?as_of=2026-11-15")).path("feeds");
        assertThat(november.get(1).path("version").path("version").asInt()).isEqualTo(1);
    }

    @Test
    void showsTheVersionInEffectBeforeBetweenAndAfterTwoVersions() throws Exception {
        HttpResponse<String> before = get("/v1/meta/feeds/kraken?as_of=2026-10-31");
        assertThat(before.statusCode()).isEqualTo(404);
        assertThat(json(before).path("error").asText())
                .contains("had no version at 2026-10-31T00:00:00Z")
                .contains("first version is in effect from " + T1);

        JsonNode between = json(get("/v1/meta/feeds/kraken?as_of=2026-12-01T11:59:59Z"));
        assertThat(between.path("version").path("version").asInt()).isEqualTo(1);
        assertThat(between.path("version").path("endpoint").asText()).isEqualTo("wss://ws.kraken.com/v2");
        assertThat(between.path("version").path("effective_to").asText()).isEqualTo(T2.toString());

        HttpResponse<String> now = get("/v1/meta/feeds/kraken");
        assertThat(now.statusCode()).isEqualTo(200);
        JsonNode after = json(now);
        assertThat(after.path("version").path("version").asInt()).isEqualTo(2);
        assertThat(after.path("version").path("effective_to").isNull()).isTrue();
        assertThat(after.path("history")).hasSize(2);
        assertThat(after.path("calendar").path("schedule").path("kind").asText())
                .isEqualTo("continuous");
        assertThat(json(get("/v1/meta/feeds/kraken?as_of=2026-12-01T12:00:00Z"))
                        .path("version")
                        .path("version")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void showsAFeedsCalendar() throws Exception {
        HttpResponse<String> response = get("/v1/meta/feeds/kalshi/calendar");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode calendar = json(response);
        assertThat(calendar.path("feed").asText()).isEqualTo("kalshi");
        assertThat(calendar.path("timezone").asText()).isEqualTo("UTC");
        assertThat(calendar.path("schedule").path("kind").asText()).isEqualTo("per-market");
        assertThat(calendar.path("effective_from").asText()).isEqualTo(T1.toString());
        assertThat(get("/v1/meta/feeds/kalshi/calendar?as_of=2026-01-01").statusCode())
                .isEqualTo(404);
    }

    private static DataInventory.Day inventoryDay(LocalDate date, String status) {
        return new DataInventory.Day(
                new DataInventory.Key("staging", "kraken", "STAGING_KRAKEN", DataInventory.RAW, date),
                "/archive/staging/kraken/STAGING_KRAKEN/" + date + "/",
                null,
                2,
                1_000,
                20_000,
                96,
                date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(86_399),
                status,
                null,
                "0.1.0");
    }

    @Test
    void listsTheInventoryAndADayWithItsGapsAndQualityIssues() throws Exception {
        JsonNode all = json(get("/v1/meta/inventory?feed=kraken"));
        assertThat(all.path("inventory"))
                .extracting(
                        r -> r.path("date").asText() + " " + r.path("status").asText())
                .containsExactly("2026-01-01 partial", "2026-01-02 complete");
        assertThat(all.path("inventory").get(0).path("gap_count").asInt()).isEqualTo(1);
        assertThat(all.path("inventory").get(0).path("record_count").asLong()).isEqualTo(1_000);
        assertThat(json(get("/v1/meta/inventory?status=partial&from=2026-01-01&to=2026-01-31"))
                        .path("inventory"))
                .extracting(r -> r.path("date").asText())
                .containsExactly("2026-01-01");

        JsonNode day = json(get("/v1/meta/inventory/kraken/2026-01-01"));
        JsonNode row = day.path("rows").get(0);
        assertThat(row.path("stream").asText()).isEqualTo("STAGING_KRAKEN");
        assertThat(row.path("gaps").get(0).path("type").asText()).isEqualTo("connection_lost");
        assertThat(row.path("gaps").get(0).path("start").asText()).isEqualTo("2026-01-01T10:00:20Z");
        assertThat(row.path("gaps").get(0).path("instruments").get(0).asText()).isEqualTo("BTC/USD");
        assertThat(row.path("quality_issues").get(0).path("type").asText()).isEqualTo("duplicate");
        assertThat(row.path("quality_issues")
                        .get(0)
                        .path("sample")
                        .path("trade_id")
                        .asInt())
                .isEqualTo(7);

        JsonNode gaps = json(get("/v1/meta/gaps/kraken"));
        assertThat(gaps.path("gaps"))
                .extracting(g -> g.path("date").asText() + " " + g.path("type").asText())
                .containsExactly("2026-01-01 connection_lost");
        assertThat(json(get("/v1/meta/gaps/kraken?date=2026-01-02")).path("gaps"))
                .isEmpty();
    }

    @Test
    void aDayWithoutInventoryIsA404NamingTheLatestAndABadParameterA400() throws Exception {
        HttpResponse<String> missing = get("/v1/meta/inventory/kraken/2026-01-20");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("error").asText())
                .isEqualTo("No data inventory for kraken on 2026-01-20 — latest available: 2026-01-02");
        assertThat(get("/v1/meta/gaps/kraken?date=2026-01-20").statusCode()).isEqualTo(404);

        HttpResponse<String> unknown = get("/v1/meta/inventory?feed=krakn");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("did_you_mean").asText()).isEqualTo("kraken");
        assertThat(json(get("/v1/meta/gaps/krakn")).path("did_you_mean").asText())
                .isEqualTo("kraken");

        for (String path : List.of(
                "/v1/meta/inventory?from=yesterday",
                "/v1/meta/inventory/kraken/01-01-2026",
                "/v1/meta/gaps/kraken?date=2026-1-1")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(json(response).path("error").asText()).as(path).contains("YYYY-MM-DD");
        }
        HttpResponse<String> status = get("/v1/meta/inventory?status=done");
        assertThat(status.statusCode()).isEqualTo(400);
        assertThat(json(status).path("error").asText())
                .isEqualTo("status: 'done' is not one of processing, complete, partial, failed");
    }

    @Test
    void anUnknownNameIsA404WithTheClosestNameAndWhatExists() throws Exception {
        HttpResponse<String> feed = get("/v1/meta/feeds/krakn");
        assertThat(feed.statusCode()).isEqualTo(404);
        JsonNode body = json(feed);
        assertThat(body.path("error").asText())
                .isEqualTo("unknown feed 'krakn'. Did you mean 'kraken'? Known: kalshi, kraken.");
        assertThat(body.path("did_you_mean").asText()).isEqualTo("kraken");
        assertThat(body.path("known")).extracting(JsonNode::asText).containsExactly("kalshi", "kraken");

        JsonNode calendar = json(get("/v1/meta/feeds/kalsh/calendar"));
        assertThat(calendar.path("did_you_mean").asText()).isEqualTo("kalshi");

        HttpResponse<String> schema = get("/v1/meta/schemas/trad/1");
        assertThat(schema.statusCode()).isEqualTo(404);
        assertThat(json(schema).path("did_you_mean").asText()).isEqualTo("trade");
        HttpResponse<String> version = get("/v1/meta/schemas/trade/3");
        assertThat(version.statusCode()).isEqualTo(404);
        assertThat(json(version).path("known")).extracting(JsonNode::asText).containsExactly("1", "2");

        HttpResponse<String> environment = get("/v1/meta/environments/stagin/history");
        assertThat(environment.statusCode()).isEqualTo(404);
        assertThat(json(environment).path("did_you_mean").asText()).isEqualTo("staging");
        assertThat(json(environment).path("known")).extracting(JsonNode::asText).containsExactly("staging");
    }

    @Test
    void aBadDateOrVersionIsA400() throws Exception {
        for (String path : List.of(
                "/v1/meta/feeds/kraken?as_of=yesterday",
                "/v1/meta/feeds?as_of=2026-13-01",
                "/v1/meta/feeds/kraken/calendar?as_of=12/01/2026")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(json(response).path("error").asText())
                    .as(path)
                    .contains("as_of")
                    .contains("YYYY-MM-DD");
        }
        HttpResponse<String> version = get("/v1/meta/schemas/trade/one");
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(json(version).path("error").asText()).contains("not a schema version");
    }

    @Test
    void listsAndShowsSchemas() throws Exception {
        JsonNode schemas = json(get("/v1/meta/schemas")).path("schemas");
        assertThat(schemas).hasSize(1);
        assertThat(schemas.get(0).path("name").asText()).isEqualTo("trade");
        assertThat(schemas.get(0).path("version").asInt()).isEqualTo(2);
        assertThat(schemas.get(0).path("compatible_with").asInt()).isEqualTo(1);

        HttpResponse<String> response = get("/v1/meta/schemas/trade/1");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode v1 = json(response);
        assertThat(v1.path("version").asInt()).isEqualTo(1);
        assertThat(v1.path("status").asText()).isEqualTo("active");
        assertThat(v1.path("definition").path("required").get(0).asText()).isEqualTo("price");
        assertThat(v1.path("versions")).hasSize(2);
        assertThat(json(get("/v1/meta/schemas/trade/latest")).path("version").asInt())
                .isEqualTo(2);
    }

    @Test
    void listsEnvironmentsAndTheirHistory() throws Exception {
        JsonNode environments = json(get("/v1/meta/environments")).path("environments");
        assertThat(environments).hasSize(1);
        assertThat(environments.get(0).path("name").asText()).isEqualTo("staging");
        assertThat(environments.get(0).path("version").asInt()).isEqualTo(2);
        assertThat(environments.get(0).path("deployed_by").asText()).isEqualTo("alice");

        HttpResponse<String> response = get("/v1/meta/environments/staging/history");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode history = json(response);
        assertThat(history.path("environment").asText()).isEqualTo("staging");
        assertThat(history.path("versions")).hasSize(2);
        assertThat(history.path("versions").get(1).path("config_yaml").asText()).contains("ETH/USD");
        assertThat(history.path("versions").get(0).path("valid_to").asText())
                .isEqualTo(history.path("versions").get(1).path("valid_from").asText());
        assertThat(history.path("deployments")).isNotEmpty();
    }

    @Test
    void runsEveryQueryOnTheBlockingExecutor() throws Exception {
        int before = blockingTasks.get();
        assertThat(get("/v1/meta/feeds").statusCode()).isEqualTo(200);
        assertThat(get("/v1/meta/feeds/nope").statusCode()).isEqualTo(404);
        assertThat(blockingTasks.get()).isEqualTo(before + 2);
        synchronized (queryThreads) {
            assertThat(queryThreads).allMatch(name -> name.startsWith("test-blocking-"));
        }
    }

    @Test
    void behindApiKeysEveryRouteNeedsAnAcceptedKey() throws Exception {
        for (String path : List.of(
                "/v1/meta/feeds",
                "/v1/meta/feeds/kraken",
                "/v1/meta/feeds/kraken/calendar",
                "/v1/meta/schemas",
                "/v1/meta/schemas/trade/1",
                "/v1/meta/environments",
                "/v1/meta/environments/staging/history")) {
            HttpResponse<String> none = get(guarded, path, Optional.empty());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(json(none).path("error").asText()).as(path).contains("X-API-Key");
            HttpResponse<String> wrong = get(guarded, path, Optional.of("not-the-key"));
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(json(wrong).path("error").asText()).isEqualTo("the API key is not accepted");
            HttpResponse<String> right = get(guarded, path, Optional.of(KEY));
            assertThat(right.statusCode()).as(path).isEqualTo(200);
            assertThat(right.body()).as(path).isEqualTo(get(path).body());
        }
        HttpResponse<String> unknown = get(guarded, "/v1/meta/feeds/krakn", Optional.of(KEY));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("did_you_mean").asText()).isEqualTo("kraken");
    }

    static Path shippedFeeds() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("exchanges/feeds"))) {
                return d.resolve("exchanges/feeds");
            }
        }
        throw new IllegalStateException("exchanges/feeds not found above the working directory");
    }
}
