package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.core.subject.SecmasterSubjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.core.testkit.StreamContents;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security master's outbox relay killed with -9 in the middle of a large outbox, in its own JVM (a real node
 * against the test's PostgreSQL and nats-server), then started again: every outbox id is on the stream exactly once
 * and every row is marked (issue 15: "kill the relay between the database commit and the publish"). Rows published
 * but never marked, as a kill between the PubAck and the mark leaves them, are made by hand too, and the stream's
 * duplicate window is shorter than the restart, so the server's dedup cannot hide a second publish: only the relay's
 * reading of the stream on start can.
 */
class SecmasterRelayKilledTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final int MARKETS = 6000;
    /** Rows per publish round trip in the node: small, so the kill finds the relay mid-way. */
    private static final int BATCH = 20;

    private static final Duration DUPLICATE_WINDOW = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String ENV = "relaykill";

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private boolean passed;

    @AfterEach
    void killEveryNode() throws Exception {
        for (Process p : started) {
            kill(p);
        }
        if (!passed) {
            printTails();
        }
    }

    @Test
    void aRelayKilledMidwayAndStartedAgainPutsEveryOutboxRowOnTheStreamExactlyOnce() throws Exception {
        try (Database db = Database.open(POSTGRES.settings())) {
            SecurityMaster master = new SecurityMaster(Metadata.of(db));
            SecurityMaster.SyncCounts counts = master.sync(
                    "kraken",
                    IntStream.range(0, MARKETS)
                            .mapToObj(SecmasterRelayKilledTest::market)
                            .toList(),
                    false,
                    Instant.now());
            assertThat(counts.created()).isEqualTo(MARKETS);
        }
        Connection nats = NATS.connect();
        String stream = SecmasterSubjects.streamName(ENV);
        Path environment = writeEnvironment();

        Process first = startNode(environment, "first");
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(10))
                .ignoreExceptions()
                .until(() -> StreamContents.count(nats, stream) >= MARKETS / 10);
        kill(first);
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Instant killedAt = Instant.now();

        long onStream = StreamContents.count(nats, stream);
        long marked = count("SELECT COUNT(*) FROM secmaster_outbox WHERE published_at IS NOT NULL");
        System.out.printf("killed with %d of %d rows on the stream, %d marked%n", onStream, MARKETS, marked);
        assertThat(onStream)
                .as("the kill came mid-way (raise MARKETS if the relay was faster)")
                .isLessThan(MARKETS);
        // As a kill between the PubAck and the mark leaves them: on the stream, not marked.
        int tampered = update("UPDATE secmaster_outbox SET published_at = NULL WHERE id IN (SELECT id FROM"
                + " secmaster_outbox WHERE published_at IS NOT NULL ORDER BY id DESC LIMIT 100)");
        assertThat(tampered).isEqualTo((int) Math.min(100, marked));
        long unmarkedOnStream =
                onStream - count("SELECT COUNT(*) FROM secmaster_outbox WHERE published_at IS NOT NULL");
        assertThat(unmarkedOnStream).isGreaterThanOrEqualTo(tampered);

        // Down for longer than the duplicate window: the clock decides, not a sleep.
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Instant.now().isAfter(killedAt.plus(DUPLICATE_WINDOW.multipliedBy(2))));
        Process second = startNode(environment, "second");
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count("SELECT COUNT(*) FROM secmaster_outbox WHERE published_at IS NULL") == 0);

        List<MessageInfo> messages = StreamContents.readAll(nats, stream);
        Map<Long, Integer> times = new HashMap<>();
        for (MessageInfo m : messages) {
            times.merge(SecmasterSubjects.outboxId(m.getHeaders()).orElseThrow(), 1, Integer::sum);
        }
        Set<Long> ids = new HashSet<>();
        try (java.sql.Connection c = POSTGRES.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM secmaster_outbox")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        assertThat(ids).hasSize(MARKETS);
        assertThat(times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey))
                .as("outbox ids on the stream more than once")
                .isEmpty();
        assertThat(times.keySet()).as("outbox ids on the stream").isEqualTo(ids);
        assertThat(messages).hasSize(MARKETS);
        assertThat(Files.readString(dir.resolve("node-second.err")))
                .as("the second relay marked what it found on the stream")
                .containsPattern("[1-9][0-9]* unpublished rows were on it");
        second.destroy();
        assertThat(second.waitFor(45, TimeUnit.SECONDS)).isTrue();
        passed = true;
    }

    private static MarketRecord market(int i) {
        return new MarketRecord(
                "kraken",
                "K" + i + "/USD",
                "K" + i + "USD",
                List.of(),
                "market " + i,
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
                "0.01",
                "1",
                2,
                4,
                "{}",
                "{}");
    }

    /** One Kraken feed aimed at a port nobody listens on: the node is here for its relay, not for market data. */
    private Path writeEnvironment() throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml"));
        Files.writeString(feeds.resolve("kraken.yaml"), DemoLayout.local(feed, freePort()));
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve(ENV + ".yaml");
        Files.writeString(env, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  kraken:
                    enabled: true
                    instruments: [BTC/USD]
                streams:
                  defaults:
                    max-bytes: 64MiB
                    max-age: 1h
                    duplicate-window: 1m
                    storage: file
                storage:
                  archive-root: %s
                """.formatted(ENV, dir.resolve("archive")));
        return env;
    }

    /** A node in its own JVM and process group, on the test's PostgreSQL and nats-server. */
    private Process startNode(Path environment, String life) throws IOException {
        Path config = dir.resolve("application-" + life + ".conf");
        Files.writeString(config, """
                ssmd {
                  node-name = "relay-%s"
                  data-dir = "%s"
                  http { interface = "127.0.0.1", port = %d }
                  nats.url = "%s"
                  db { url = "%s", user = "%s", password-env = "SSMD_TEST_PG_PASSWORD" }
                  secmaster {
                    relay-batch = %d
                    stream-duplicate-window = %dms
                  }
                }
                pekko.remote.artery.canonical.port = 0
                """.formatted(
                        life,
                        dir.resolve("data"),
                        freePort(),
                        NATS.url(),
                        POSTGRES.url(),
                        POSTGRES.settings().user(),
                        BATCH,
                        DUPLICATE_WINDOW.toMillis()));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(
                        "setsid",
                        java.toString(),
                        "-Xmx384m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "run",
                        "--config",
                        config.toString(),
                        "--env",
                        environment.toString())
                .directory(dir.toFile());
        // Only the database password of the launcher's setup reaches the node; its URL and NATS come from the config.
        builder.environment().keySet().removeIf(k -> k.startsWith("SSMD_") && !k.equals("SSMD_TEST_PG_PASSWORD"));
        builder.redirectOutput(dir.resolve("node-" + life + ".out").toFile())
                .redirectError(dir.resolve("node-" + life + ".err").toFile());
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** kill -9 of the node's process group (setsid made the JVM its leader). */
    private static void kill(Process process) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-9", "--", "-" + process.pid())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor();
        process.destroyForcibly();
    }

    private static long count(String sql) throws Exception {
        try (java.sql.Connection c = POSTGRES.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int update(String sql) throws Exception {
        try (java.sql.Connection c = POSTGRES.connect();
                Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    private void printTails() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("node-"))
                    .toList()) {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                System.err.println("---- last lines of " + file);
                all.subList(Math.max(0, all.size() - 60), all.size()).forEach(System.err::println);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
