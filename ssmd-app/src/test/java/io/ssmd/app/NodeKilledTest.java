package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.ArchiveVerifier;
import io.ssmd.archive.FileEntry;
import io.ssmd.archive.Gap;
import io.ssmd.archive.InventoryRebuild;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.archive.SegmentReader;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.subject.ParsedSubject;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole node (its JVM and the nats-server it runs as a child) killed with -9, as a power cut or the OOM killer
 * would, and started again on the same data directory: the archive holds one {@code connection_lost} gap (reason
 * {@code restart}) for the shard, from its last sign of life before the kill to its first message after, and the data
 * of both lives (issue 13 item 1). The node keeps its metadata in PostgreSQL: the archiver's inventory rows of the day
 * carry exactly the manifest's gaps, the restart among them, and {@code --rebuild} from the manifests writes the same
 * rows (issue 16).
 */
class NodeKilledTest {

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration ALIVE_INTERVAL = Duration.ofSeconds(1);
    /** How late an {@code alive} may be archived on a busy machine, beyond its interval. */
    private static final Duration SLACK = Duration.ofSeconds(1);
    /** How long the node stays dead. */
    private static final Duration DOWN = Duration.ofSeconds(6);
    /** How long the shard streams before the kill: several {@code alive} intervals, so the gap's start means one. */
    private static final Duration LIVED = Duration.ofSeconds(4);

    private static ActorSystem<Void> servers;
    private static ServerBinding venue;

    @TempDir
    Path dir;

    private Node node;
    private final List<Node> started = new ArrayList<>();
    private boolean passed;

    @BeforeAll
    static void startVenue() {
        servers = ActorSystem.create(Behaviors.empty(), "kill-test-venues");
        ReplaySettings settings = ReplaySettings.synthetic("kraken", 0, 50, 13);
        venue = ReplayServer.create(servers, Venues.byId("kraken").replayServer(settings), settings, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
    }

    @AfterAll
    static void stopVenue() {
        if (venue != null) {
            venue.unbind().toCompletableFuture().join();
        }
        servers.terminate();
        servers.getWhenTerminated().toCompletableFuture().join();
    }

    /**
     * Whatever happened, no process of the test outlives it: each node's whole process group is killed. On failure
     * the nodes' output ends are printed.
     */
    @AfterEach
    void killEveryNode() throws Exception {
        for (Node n : started) {
            n.killGroup();
        }
        if (!passed) {
            started.forEach(Node::printTails);
        }
    }

    @Test
    void aNodeKilledWithMinus9AndStartedAgainLeavesOneRestartGapCoveringTheOutage() throws Exception {
        Path conf = writeEnvironment();
        Path archive = dir.resolve("archive");

        node = Node.start(dir, conf, "first");
        started.add(node);
        long firstConnected = awaitStreaming(node, 0);
        await().atMost(WAIT).until(() -> micros() >= firstConnected + LIVED.toNanos() / 1000);
        awaitMessagesGrow(node);

        List<ProcessHandle> family = node.process.descendants().toList();
        long natsPid = Long.parseLong(
                Files.readString(dir.resolve("data/nats/nats-server.pid")).trim());
        int natsPort = natsPort();
        assertThat(family).extracting(ProcessHandle::pid).contains(natsPid);
        assertThat(accepts(natsPort)).as("the embedded nats-server listens").isTrue();

        long killedAt = micros();
        node.killGroup();
        assertThat(node.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        // The node lives on until the signal lands: its last sign of life can follow killedAt, never deadAt.
        long deadAt = micros();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> family.stream().noneMatch(ProcessHandle::isAlive) && !accepts(natsPort));
        assertThat(ProcessHandle.of(natsPid).map(ProcessHandle::isAlive).orElse(false))
                .as("the nats-server child died with its node")
                .isFalse();

        // Down for a measured while: the clock decides, not a sleep.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> micros() >= killedAt + micros(DOWN));
        long restartedAt = micros();

        node = Node.start(dir, conf, "second");
        started.add(node);
        long secondConnected = awaitStreaming(node, restartedAt / 1000);
        await().atMost(WAIT).until(() -> micros() >= secondConnected + micros(Duration.ofSeconds(3)));
        awaitMessagesGrow(node);
        long stoppedAt = micros();

        // A clean stop (SIGTERM to the JVM, which leads the group): the archiver commits its open segment.
        node.process.destroy();
        assertThat(node.process.waitFor(45, TimeUnit.SECONDS))
                .as("the node stops on SIGTERM")
                .isTrue();

        List<Gap> gaps = gaps(archive, killedAt, stoppedAt);
        assertThat(gaps).as("gaps of kraken").noneMatch(Gap::open);
        List<Gap> lost =
                gaps.stream().filter(g -> g.type().equals(Gap.CONNECTION_LOST)).toList();
        System.out.printf(
                "killed at %d, restarted at %d, stopped at %d; gaps: %s%n", killedAt, restartedAt, stoppedAt, gaps);
        assertThat(lost).as("connection_lost gaps: %s", gaps).singleElement().satisfies(gap -> {
            assertThat(gap.shard()).isEqualTo("kraken-0");
            assertThat(gap.reason()).isEqualTo(Gap.RESTART);
            assertThat(gap.start())
                    .as("the gap starts at the last sign of life before the kill")
                    .isBetween(killedAt - micros(ALIVE_INTERVAL) - micros(SLACK), deadAt);
            assertThat(gap.end())
                    .as("the gap ends at the new connection's first message")
                    .isGreaterThanOrEqualTo(restartedAt)
                    .isGreaterThan(gap.start() + micros(DOWN))
                    .isLessThanOrEqualTo(stoppedAt);
            assertThat(gap.instruments()).containsExactlyInAnyOrder("BTC/USD", "ETH/USD");
        });

        AtomicLong before = new AtomicLong();
        AtomicLong after = new AtomicLong();
        for (Path file : committedFiles(archive)) {
            SegmentReader.read(file, line -> {
                if (ParsedSubject.parse(line.subject()).kind() == ParsedSubject.Kind.MARKET_DATA) {
                    if (line.ts() < killedAt) {
                        before.incrementAndGet();
                    } else if (line.ts() > restartedAt) {
                        after.incrementAndGet();
                    }
                }
            });
        }
        assertThat(before.get()).as("market data archived from before the kill").isPositive();
        assertThat(after.get())
                .as("market data archived from after the restart")
                .isPositive();

        ArchiveVerifier.Report report = ArchiveVerifier.verify(archive);
        assertThat(report.problems()).isEmpty();
        assertThat(report.streams())
                .singleElement()
                .satisfies(s -> assertThat(s.gaps()).containsEntry(Gap.CONNECTION_LOST, 1));

        assertInventoryMirrorsTheManifests(conf, archive);
        passed = true;
    }

    /**
     * The rows the node's archiver wrote to PostgreSQL: one per UTC day the run touched, with the manifest's files,
     * records, bytes and exactly its gaps (the restart's connection_lost once); the newest day still processing. The
     * rows rebuilt from the manifests into an emptied table are the same, every column but ids and processed_at.
     */
    private static void assertInventoryMirrorsTheManifests(Path envFile, Path archive) throws Exception {
        try (Database db = Database.open(PG.settings())) {
            DataInventory inventory = new DataInventory(Metadata.of(db));
            DataInventory.Filter kraken = new DataInventory.Filter(
                    Optional.of("kraken"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            List<DataInventory.Row> rows = inventory.list(kraken);
            List<Path> dateDirs = ArchiveInventory.dateDirsOf(archive);
            assertThat(rows)
                    .extracting(r -> r.date().toString())
                    .containsExactlyElementsOf(dateDirs.stream()
                            .map(d -> d.getFileName().toString())
                            .toList());
            List<DataInventory.GapRecord> all = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                DataInventory.Row row = rows.get(i);
                Manifest m = ManifestStore.read(dateDirs.get(i)).orElseThrow();
                assertThat(row.recordCount()).isEqualTo(m.records());
                assertThat(row.byteSize()).isEqualTo(m.bytes());
                assertThat(row.fileCount()).isEqualTo(m.files().size());
                List<DataInventory.GapRecord> gaps = inventory.gaps(List.of(row.id())).stream()
                        .map(DataInventory.GapRow::gap)
                        .toList();
                assertThat(gaps)
                        .extracting(g -> List.of(
                                g.type(),
                                String.valueOf(g.fromSeq()),
                                String.valueOf(g.start()),
                                String.valueOf(g.end())))
                        .containsExactlyInAnyOrderElementsOf(m.gaps().stream()
                                .map(g -> List.of(
                                        g.type(),
                                        String.valueOf(g.fromSeq()),
                                        String.valueOf(Instant.EPOCH.plusNanos(g.start() * 1000)),
                                        String.valueOf(Instant.EPOCH.plusNanos(g.end() * 1000))))
                                .toList());
                assertThat(row.gapCount()).isEqualTo(m.gaps().size());
                all.addAll(gaps);
            }
            assertThat(rows.get(rows.size() - 1).status()).isEqualTo(DataInventory.PROCESSING);
            assertThat(all)
                    .filteredOn(g -> g.type().equals(Gap.CONNECTION_LOST))
                    .singleElement()
                    .satisfies(g -> assertThat(g.reason()).isEqualTo(Gap.RESTART));

            List<List<Object>> before = snapshot(inventory, kraken);
            try (java.sql.Connection c = PG.connect();
                    java.sql.Statement st = c.createStatement()) {
                st.execute("DELETE FROM data_inventory");
            }
            InventoryRebuild.run(
                    EnvironmentLoader.load(envFile, Map.of()),
                    new InventoryRebuild.Scope(Optional.empty(), Optional.empty(), Optional.empty(), false),
                    inventory,
                    Main.version());
            assertThat(snapshot(inventory, kraken)).isEqualTo(before);
        }
    }

    /** Every column of the rows but id and processed_at, and their gaps. */
    private static List<List<Object>> snapshot(DataInventory inventory, DataInventory.Filter filter) {
        return inventory.list(filter).stream()
                .map(r -> List.<Object>of(
                        List.of(
                                r.environment(),
                                r.feed(),
                                r.stream(),
                                r.dataType(),
                                r.date(),
                                r.storagePath(),
                                r.symbolCount(),
                                r.recordCount(),
                                r.byteSize(),
                                r.fileCount(),
                                String.valueOf(r.firstTimestamp()),
                                String.valueOf(r.lastTimestamp()),
                                r.status(),
                                r.gapCount(),
                                String.valueOf(r.processorVersion())),
                        inventory.gaps(List.of(r.id())).stream()
                                .map(DataInventory.GapRow::gap)
                                .toList()))
                .toList();
    }

    /** The feed file aimed at the replay server, and an environment of one Kraken feed archived every minute. */
    private Path writeEnvironment() throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml"));
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                DemoLayout.local(feed, venue.localAddress().getPort()));
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("killed.yaml");
        Files.writeString(env, """
                name: killed
                feeds-dir: ../feeds
                feeds:
                  kraken:
                    enabled: true
                    instruments: [BTC/USD, ETH/USD]
                streams:
                  defaults:
                    max-bytes: 256MiB
                    max-age: 1h
                    duplicate-window: 2m
                    storage: file
                storage:
                  archive-root: %s
                  rotation: 1m
                archivers:
                  - name: main
                    streams: all
                """.formatted(dir.resolve("archive")));
        return env;
    }

    /** Waits until kraken-0 streams on a connection made at or after {@code sinceMs}; returns its start, µs. */
    private static long awaitStreaming(Node node, long sinceMs) {
        AtomicLong connectedSince = new AtomicLong();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            JsonNode shard = node.shard("kraken-0").orElse(null);
            if (shard == null
                    || !shard.path("state").asText().equals("streaming")
                    || shard.path("connectedSince").asLong() < sinceMs
                    || messages(shard) == 0) {
                return false;
            }
            connectedSince.set(shard.path("connectedSince").asLong() * 1000);
            return true;
        });
        return connectedSince.get();
    }

    /** Waits until kraken-0 counts more inbound frames than now: the venue's messages flow. */
    private static void awaitMessagesGrow(Node node) throws Exception {
        long now = messages(node.shard("kraken-0").orElseThrow());
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> messages(node.shard("kraken-0").orElseThrow()) > now);
    }

    private static long messages(JsonNode shard) {
        long total = 0;
        for (JsonNode count : shard.path("messages")) {
            total += count.asLong();
        }
        return total;
    }

    /** Every gap of kraken on the UTC days from {@code fromMicros} to {@code toMicros}. */
    private static List<Gap> gaps(Path archive, long fromMicros, long toMicros) throws IOException {
        List<Gap> gaps = new ArrayList<>();
        for (LocalDate d = date(fromMicros); !d.isAfter(date(toMicros)); d = d.plusDays(1)) {
            ArchiveInventory.gaps(archive, "kraken", d).forEach(g -> gaps.add(g.gap()));
        }
        return gaps;
    }

    /** The segment files the manifests list as committed. */
    private static List<Path> committedFiles(Path archive) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dateDir : ArchiveInventory.dateDirsOf(archive)) {
            Manifest m = ManifestStore.read(dateDir).orElseThrow();
            for (FileEntry f : m.files()) {
                files.add(dateDir.resolve(f.name()));
            }
        }
        assertThat(files).as("committed files under %s", archive).isNotEmpty();
        return files;
    }

    private int natsPort() throws IOException {
        String conf = Files.readString(dir.resolve("data/nats/nats-server.conf"));
        Matcher m = Pattern.compile("\"listen\":\\s*\"127\\.0\\.0\\.1:(\\d+)\"").matcher(conf);
        assertThat(m.find()).as("listen in nats-server.conf:%n%s", conf).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static LocalDate date(long micros) {
        return Instant.ofEpochMilli(micros / 1000).atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    /**
     * {@code ssmd run} in a JVM of its own that leads its own process group ({@code setsid}), so that one
     * {@code kill -9 -- -PGID} takes it and its nats-server child together, as a power cut would.
     */
    private static final class Node {

        final Process process;
        final int httpPort;
        final Path stdout;
        final Path stderr;

        private Node(Process process, int httpPort, Path stdout, Path stderr) {
            this.process = process;
            this.httpPort = httpPort;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** Starts a node on {@code dir/data} with the embedded nats-server, HTTP on a free port, alive every 1 s. */
        static Node start(Path dir, Path environment, String life) throws IOException {
            int httpPort = freePort();
            Path config = dir.resolve("application-" + life + ".conf");
            Files.writeString(config, """
                    ssmd {
                      node-name = "killed"
                      data-dir = "%s"
                      http { interface = "127.0.0.1", port = %d }
                      connectors.alive-interval = %ds
                      db { url = "%s", user = "%s", password-env = "KILLED_NODE_DB_PASSWORD" }
                    }
                    pekko.remote.artery.canonical.port = 0
                    """.formatted(
                            dir.resolve("data"),
                            httpPort,
                            ALIVE_INTERVAL.toSeconds(),
                            PG.url(),
                            PG.settings().user()));
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
            // Nothing of the launcher's test setup may reach the node: no NATS URL (it must run its own server),
            // no launcher database URL, no port.
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("SSMD_"));
            // ...but the test's own PostgreSQL database, where the archiver writes the inventory.
            env.put("KILLED_NODE_DB_PASSWORD", PG.settings().password().orElse(""));
            Path stdout = dir.resolve("node-" + life + ".out");
            Path stderr = dir.resolve("node-" + life + ".err");
            builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            Process process = builder.start();
            Node node = new Node(process, httpPort, stdout, stderr);
            // setsid without a fork: once it has run, the JVM itself leads the new group (its pid is the group's id).
            try {
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> node.processGroup() == process.pid());
            } catch (RuntimeException | Error e) {
                process.destroyForcibly();
                throw e;
            }
            return node;
        }

        /** kill -9 of the whole group: the JVM and its nats-server child. */
        void killGroup() throws IOException, InterruptedException {
            // Also when the JVM is gone: a nats-server it left behind is still in the group.
            new ProcessBuilder("kill", "-9", "--", "-" + process.pid())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        }

        /** The process group of the JVM, from /proc (the fifth field of its stat line). */
        long processGroup() throws IOException {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[2]);
        }

        /** The shard as /v1/feeds shows it. */
        Optional<JsonNode> shard(String name) throws IOException, InterruptedException {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/feeds"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            for (JsonNode feed : JSON.readTree(response.body()).path("feeds")) {
                for (JsonNode shard : feed.path("shards")) {
                    if (shard.path("shard").asText().equals(name)) {
                        return Optional.of(shard);
                    }
                }
            }
            return Optional.empty();
        }

        void printTails() {
            for (Path file : List.of(stdout, stderr)) {
                try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                    List<String> all = lines.toList();
                    System.err.println("---- last lines of " + file);
                    all.subList(Math.max(0, all.size() - 60), all.size()).forEach(System.err::println);
                } catch (IOException e) {
                    System.err.println("---- " + file + ": " + e.getMessage());
                }
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }
}
