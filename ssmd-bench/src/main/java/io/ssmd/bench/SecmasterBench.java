package io.ssmd.bench;

import com.typesafe.config.Config;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.settings.SecmasterSettings;
import io.ssmd.feeds.MarketSync;
import io.ssmd.feeds.VenueRest;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * {@code ssmd bench secmaster}: the security master's full sync of {@value #MARKETS} Kalshi markets from the replay
 * server (series, events with nested markets, paged as Kalshi pages, with {@code ssmd.secmaster}'s request spacing)
 * into a fresh database: a throwaway database on the PostgreSQL server of {@code ssmd.db.url} when one is configured
 * (created next to the configured one and dropped afterwards, never the configured one itself), else H2 in a temporary
 * directory. Prints the REST read, the store and the whole sync in seconds and markets per second, then the same for a
 * second sync that finds nothing changed.
 */
final class SecmasterBench {

    static final String NAME = "secmaster";
    static final int MARKETS = 10_000;

    private SecmasterBench() {}

    /** Every part of the benchmark, in order: the full sync, then the CDC latency ({@link SecmasterCdcBench}). */
    static void run(PrintStream out) {
        fullSync(MARKETS, out);
        SecmasterCdcBench.run(out);
    }

    /** What one sync took; {@code storedAtNanos}: {@link System#nanoTime()} when its store (its commits) returned. */
    record Timing(int markets, double fetchSeconds, double storeSeconds, long storedAtNanos) {

        double seconds() {
            return fetchSeconds + storeSeconds;
        }

        String describe(String what) {
            return String.format(
                    "%-26s %,7d markets in %6.2f s = %,8.0f markets/s  (REST read %.2f s, store %.2f s = %,.0f"
                            + " rows/s)",
                    what, markets, seconds(), markets / seconds(), fetchSeconds, storeSeconds, markets / storeSeconds);
        }
    }

    /** The full sync of {@code markets} Kalshi markets, then a second one with nothing changed. */
    static Timing fullSync(int markets, PrintStream out) {
        Config config = NodeConfig.load(Optional.empty(), System.getenv());
        SecmasterSettings settings = SecmasterSettings.create(config);
        DatabaseSettings configured =
                NodeSettings.create(config, System.getenv()).db();
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-secmaster-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
        ActorSystem<Void> system = ConnectorBench.ssmdSystem();
        BenchDatabase db = BenchDatabase.create(configured, work);
        try {
            Path privateKey = work.resolve("kalshi-private.pem");
            Path publicKey = work.resolve("kalshi-public.pem");
            DemoLayout.writeKeyPair(privateKey, publicKey);
            ReplaySettings replay = ReplaySettings.synthetic("kalshi", 0, 0, 1)
                    .withInstruments(KalshiReplayServer.syntheticInstruments(markets))
                    .withKalshiPublicKey(publicKey);
            ServerBinding binding = ReplayServer.create(system, KalshiReplayServer.create(replay), replay, new Faults())
                    .bind()
                    .toCompletableFuture()
                    .join();
            Environment environment = KalshiConnectorBench.environment(
                    work, binding.localAddress().getPort(), privateKey, markets);
            EnabledFeed kalshi = environment.feed("kalshi").orElseThrow();
            out.printf(
                    "ssmd bench %s: full sync of %,d Kalshi markets from the replay server into %s; pages of %d,"
                            + " request spacing %s (ssmd.secmaster)%n",
                    NAME, markets, db.describe(), settings.pageLimit(), settings.requestSpacing());
            try (Database database = Database.open(db.settings())) {
                SecurityMaster master = new SecurityMaster(Metadata.of(database));
                Timing first = sync(master, kalshi, settings);
                out.println(first.describe("full sync (all created)"));
                Timing second = sync(master, kalshi, settings);
                out.println(second.describe("re-sync (none changed)"));
                binding.unbind().toCompletableFuture().join();
                return first;
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the security-master benchmark failed: " + e, e);
        } finally {
            ConnectorBench.stop(system, out);
            db.drop();
        }
    }

    /** One sync of {@code feed}, as {@code ssmd market sync} runs it, the REST read and the store timed apart. */
    static Timing sync(SecurityMaster master, EnabledFeed feed, SecmasterSettings settings)
            throws InterruptedException {
        MarketSync sync = Venues.of(feed.venue()).marketSync(feed, VenueRest.create(settings));
        long start = System.nanoTime();
        MarketSync.Fetched fetched = sync.fetch(line -> {});
        long fetchedAt = System.nanoTime();
        master.sync(feed.name(), fetched.markets(), fetched.complete(), Instant.now());
        long stored = System.nanoTime();
        return new Timing(fetched.markets().size(), (fetchedAt - start) / 1e9, (stored - fetchedAt) / 1e9, stored);
    }

    /** Where the benchmark writes: never the configured database itself. */
    record BenchDatabase(DatabaseSettings settings, Optional<DatabaseSettings> admin, String name) {

        static BenchDatabase create(DatabaseSettings configured, Path work) {
            if (!configured.url().startsWith("jdbc:postgresql:")) {
                return new BenchDatabase(
                        new DatabaseSettings(
                                "jdbc:h2:file:" + work.resolve("db/ssmd") + ";MODE=PostgreSQL",
                                "",
                                Optional.empty(),
                                2,
                                Duration.ofSeconds(10)),
                        Optional.empty(),
                        "H2 (embedded, " + work.resolve("db") + ")");
            }
            String name = "ssmd_bench_"
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            execute(configured, "CREATE DATABASE " + name);
            int slash = configured.url().lastIndexOf('/');
            int query = configured.url().indexOf('?', slash);
            String url = configured.url().substring(0, slash + 1)
                    + name
                    + (query < 0 ? "" : configured.url().substring(query));
            return new BenchDatabase(
                    new DatabaseSettings(url, configured.user(), configured.password(), 2, configured.connectTimeout()),
                    Optional.of(configured),
                    "PostgreSQL (throwaway database " + name + ")");
        }

        String describe() {
            return name;
        }

        void drop() {
            admin.ifPresent(a -> execute(
                    a,
                    "DROP DATABASE IF EXISTS "
                            + settings.url()
                                    .substring(settings.url().lastIndexOf('/') + 1)
                                    .replaceAll("\\?.*", "")
                            + " WITH (FORCE)"));
        }

        private static void execute(DatabaseSettings db, String sql) {
            try (Connection c = DriverManager.getConnection(
                            db.url(), db.user(), db.password().orElse(null));
                    Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "the benchmark needs a database of its own on the PostgreSQL server of ssmd.db.url ("
                                + io.ssmd.core.Secrets.redactUrl(db.url()) + "): " + sql + " failed: "
                                + e.getMessage(),
                        e);
            }
        }
    }
}
