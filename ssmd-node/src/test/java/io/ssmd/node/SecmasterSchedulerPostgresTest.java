package io.ssmd.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.MarketChange;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.SecmasterSync;
import io.ssmd.feeds.VenueModule;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The startup and scheduled syncs of the security master ({@link SecmasterScheduler}) against the Kraken Futures
 * replay server and the PostgreSQL {@code ./ssmd test} starts, with a second feed (Kraken spot) whose REST API is a
 * closed port: the first round runs at once and fills {@code markets}, a contract halted on the replay server is
 * picked up by a later scheduled round, and the broken feed is counted as failing at every round without stopping
 * the other.
 */
class SecmasterSchedulerPostgresTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    static final int CONTRACTS = 60;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    ActorTestKit kit;
    Database db;
    ExecutorService blocking;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
        if (blocking != null) {
            blocking.shutdownNow();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void syncsAtStartupThenOnTheScheduleAndCountsAFailingFeedWithoutStoppingTheOthers() throws Exception {
        kit = ActorTestKit.create();
        VenueModule futures = Venues.all().stream()
                .filter(v -> v.id().equals("kraken-futures"))
                .findFirst()
                .orElseThrow();
        ReplaySettings replay = ReplaySettings.synthetic("kraken-futures", 0, 0, 7)
                .withInstruments(futures.syntheticInstruments(CONTRACTS));
        ServerBinding server = ReplayServer.create(kit.system(), futures.replayServer(replay), replay, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
        int port = server.localAddress().getPort();
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path feeds = Files.createDirectories(dir.resolve("feeds"));
        Files.writeString(
                feeds.resolve("kraken-futures.yaml"),
                shipped("kraken-futures")
                        .replace("wss://futures.kraken.com/ws/v1", "ws://127.0.0.1:" + port + "/ws")
                        .replace("https://futures.kraken.com", "http://127.0.0.1:" + port));
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                shipped("kraken").replace("https://api.kraken.com", "http://127.0.0.1:" + closed));
        Path envFile = Files.writeString(
                dir.resolve("sched.yaml"),
                "name: sched\nfeeds-dir: " + feeds + "\nfeeds:\n"
                        + "  kraken:\n    enabled: true\n    instruments: [BTC/USD]\n"
                        + "  kraken-futures:\n    enabled: true\n    instruments: [PF_XBTUSD]\n");
        Environment environment = EnvironmentLoader.load(envFile, Map.of());
        assertThat(environment.feeds()).hasSize(2);

        db = Database.open(POSTGRES.settings());
        SecurityMaster master = new SecurityMaster(Metadata.of(db));
        SecmasterSettings fast = SecmasterSettings.defaults().withRetry(1, Duration.ofMillis(10), Duration.ZERO);
        SecmasterSync sync =
                new SecmasterSync(master, feed -> new VenueRest(HTTP, fast, d -> {}, RandomGenerator.getDefault()));
        SecmasterSyncMetrics metrics = SecmasterSyncMetrics.create(new PrometheusRegistry());
        blocking = Executors.newSingleThreadExecutor();

        kit.spawn(
                SecmasterScheduler.create(
                        environment.feeds(), sync, Duration.ofSeconds(2), Duration.ofMillis(500), metrics, blocking),
                "secmaster-sync");

        // The first round runs at startup: nobody asked for a sync, yet the contracts are there.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> master.feeds().contains("kraken-futures")
                        && master.list(filter("kraken-futures")).size() == CONTRACTS);
        assertThat(master.show("kraken-futures", "PF_ETHUSD").status()).isEqualTo("active");
        assertThat(metrics.lastSuccess("kraken-futures")).isPositive();
        // Kraken came first and failed, and did not keep Kraken Futures from syncing.
        assertThat(metrics.failures("kraken")).isGreaterThanOrEqualTo(1);
        assertThat(metrics.lastSuccess("kraken")).isZero();
        assertThat(master.feeds()).doesNotContain("kraken");
        double firstSuccess = metrics.lastSuccess("kraken-futures");

        // A contract halted on the venue: the next scheduled round records it, with its history.
        HttpResponse<String> halted = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/control/instruments/PF_ETHUSD"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"tradeable\":false}"))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(halted.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> master.show("kraken-futures", "PF_ETHUSD").status().equals("halted"));
        List<MarketChange> history = master.history(master.show("kraken-futures", "PF_ETHUSD"));
        assertThat(history).extracting(MarketChange::field).contains("status");
        // The round's rows commit before the scheduler hears that its sync ended and sets the metric: wait for that.
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.lastSuccess("kraken-futures") > firstSuccess);
        // The broken feed was tried again at each round.
        assertThat(metrics.failures("kraken")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theScheduleIsADurationOrOffAndAnythingElseNamesTheKey() {
        assertThat(settings("sync-every = 1h").every()).contains(Duration.ofHours(1));
        assertThat(settings("sync-every = off").every()).isEmpty();
        assertThat(settings("sync-every = \"off\"").every()).isEmpty();
        assertThat(settings("sync-every = 0").every()).isEmpty();
        assertThatThrownBy(() -> settings("sync-every = soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ssmd.secmaster.sync-every")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> settings("sync-every = -5m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ssmd.secmaster.sync-every");
        assertThat(settings("sync-every = 1h").retry()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> settings("sync-retry = 0s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ssmd.secmaster.sync-retry");
        assertThatThrownBy(() -> settings("sync-retry = soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ssmd.secmaster.sync-retry");
    }

    @Test
    void theEnvironmentsScheduleWinsOverTheNodesWhenItSetsOne() {
        SecmasterScheduler.Settings node = settings("sync-every = 1h");
        assertThat(node.in(environment(Optional.empty())).every()).contains(Duration.ofHours(1));
        assertThat(node.in(environment(Optional.of(Duration.ofMinutes(30)))).every())
                .contains(Duration.ofMinutes(30));
        assertThat(node.in(environment(Optional.of(Duration.ZERO))).every()).isEmpty();
        assertThat(settings("sync-every = off")
                        .in(environment(Optional.of(Duration.ofMinutes(5))))
                        .every())
                .contains(Duration.ofMinutes(5));
    }

    private static Environment environment(Optional<Duration> syncEvery) {
        return new Environment(
                java.nio.file.Path.of("lab.yaml"),
                "lab",
                List.of(),
                io.ssmd.core.nats.PublisherSettings.defaults(),
                List.of(),
                new io.ssmd.core.config.StorageSettings(
                        java.nio.file.Path.of("archive"),
                        io.ssmd.core.config.StorageSettings.Format.GZIP,
                        Duration.ofMinutes(15)),
                List.of(),
                io.ssmd.core.config.GatewaySpec.defaults(true, Optional.empty()),
                syncEvery,
                Optional.empty());
    }

    private static SecmasterScheduler.Settings settings(String line) {
        return SecmasterScheduler.Settings.create(ConfigFactory.parseString("ssmd.secmaster { " + line + " }")
                .withFallback(ConfigFactory.defaultReference()));
    }

    private static SecurityMaster.Filter filter(String feed) {
        return new SecurityMaster.Filter(
                Optional.of(feed), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static String shipped(String venue) throws Exception {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path file = d.resolve("exchanges/feeds/" + venue + ".yaml");
            if (Files.isRegularFile(file)) {
                return Files.readString(file);
            }
        }
        throw new IllegalStateException("exchanges/feeds not found above the working directory");
    }
}
