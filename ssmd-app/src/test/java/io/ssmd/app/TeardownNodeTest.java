package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.Gap;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.http.gateway.ApiKeys;
import io.ssmd.node.DemoLayout;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code teardown} cycle and its halves on a node (DESIGN §17) against the Kraken replay server under load: a
 * teardown cycle asked for through the admin route stops every shard ({@code disconnected} with reason {@code
 * scheduled_teardown}) and starts it again, each step a {@code deployment_log} row, its hole one {@code
 * scheduled_teardown} gap per shard dated by the steps; {@code ssmd ops stop} leaves the cluster stopped (status says
 * since when and by whom, no shard streams, a rolling cycle is refused) until {@code ssmd ops start}.
 */
class TeardownNodeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ActorSystem<Void> SERVERS = ActorSystem.create(Behaviors.empty(), "teardown-venue");
    private static final String KEY = "teardown-test-key";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** How often the feed manager re-sends the assignments here (10 s by default). */
    private static final Duration REASSIGN = Duration.ofSeconds(2);
    /** How far a gap's ends may lie from the steps that made them (the steps' rows are written around the work). */
    private static final long TOLERANCE_MICROS = 2_000_000;

    @TempDir
    Path dir;

    private ActorSystem<Void> system;
    private ServerBinding venue;

    @AfterEach
    void stop() {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
        if (venue != null) {
            venue.unbind().toCompletableFuture().join();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.terminate();
        SERVERS.getWhenTerminated().toCompletableFuture().join();
    }

    @Test
    void aTeardownCycleLeavesOneScheduledTeardownGapPerShardAndOpsStopKeepsTheClusterStoppedUntilOpsStart()
            throws Exception {
        ReplaySettings replay = ReplaySettings.synthetic("kraken", 0, 50, 7);
        venue = ReplayServer.create(SERVERS, Venues.byId("kraken").replayServer(replay), replay, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
        Path env = environment(venue.localAddress().getPort());
        system = TestNodeSettings.system("ssmd");
        Instant began = Instant.now();
        Ssmd node = Ssmd.start(system, settings(), EnvironmentLoader.load(env, Map.of()));
        int http = node.httpAddress().getPort();
        await().atMost(WAIT).until(() -> shardStates(http).equals(Map.of("streaming", 3L)));

        // A gateway client, told why when the teardown drains the gateway.
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        java.net.http.WebSocket client = stream(http, received).join();

        // The teardown cycle through the route: both halves, every step a row.
        HttpResponse<String> asked = call(http, "POST", "/v1/admin/ops/cycle?mode=teardown&by=tester");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        String id = JSON.readTree(asked.body()).path("cycle").asText();
        await().atMost(WAIT)
                .until(() -> lastCycle(http).path("id").asText().equals(id)
                        && !lastCycle(http).path("status").asText().equals("running"));
        JsonNode teardown = lastCycle(http);
        assertThat(teardown.path("action").asText()).isEqualTo("cycle-teardown");
        assertThat(teardown.path("status").asText())
                .as(teardown.toPrettyString())
                .isEqualTo("succeeded");
        assertThat(steps(teardown))
                .containsExactly(
                        "drain succeeded",
                        "stop-connectors succeeded",
                        "flush-archiver succeeded",
                        "verify succeeded",
                        "sync succeeded",
                        "start-connectors succeeded",
                        "start-gateway succeeded",
                        "health succeeded");
        assertThat(teardown.path("steps").get(0).path("details").asText())
                .contains("test-node: gateway drained, 1 clients closed");
        JsonNode stopStep = teardown.path("steps").get(1);
        JsonNode startStep = teardown.path("steps").get(5);
        assertThat(teardown.path("steps").get(2).path("details").asText()).contains("; flushed ", " to seq ");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(received)
                        .anySatisfy(m -> assertThat(m).contains("\"type\":\"closing\"", "daily teardown")));
        client.abort();
        assertThat(stopStep.path("details").asText()).contains("stopped 3 shards", "kraken-0", "kraken-1", "kraken-2");
        await().atMost(WAIT).until(() -> shardStates(http).equals(Map.of("streaming", 3L)));
        assertThat(JSON.readTree(call(http, "GET", "/v1/admin/ops/status").body())
                        .path("state")
                        .asText())
                .isEqualTo("idle");

        // ssmd ops stop: the cluster stays stopped, status says since when and by whom, nothing streams.
        Path keyFile = Files.writeString(dir.resolve("ops-key"), KEY + "\n");
        String port = Integer.toString(http);
        DailyCycleNodeTest.Run stop = run("ops", "stop", "--yes", "--port", port, "--api-key-file", keyFile.toString());
        assertThat(stop.code()).as(stop.err()).isZero();
        await().atMost(WAIT)
                .until(() -> JSON.readTree(
                                call(http, "GET", "/v1/admin/ops/status").body())
                        .path("state")
                        .asText()
                        .equals("stopped"));
        await().atMost(WAIT).until(() -> shardStates(http).equals(Map.of("stopped", 3L)));
        await().atMost(WAIT)
                .until(() -> lastCycle(http).path("action").asText().equals("cycle-stop")
                        && lastCycle(http).path("status").asText().equals("succeeded"));
        // flush-archiver: per stream the stream's last seq once the connectors stopped (nothing publishes while the
        // cluster is stopped), and the archive on disk (committed files and the synced .tmp) holds it.
        JsonNode flushStep = lastCycle(http).path("steps").get(2);
        assertThat(flushStep.path("action").asText()).isEqualTo("flush-archiver");
        assertThat(flushStep.path("status").asText()).isEqualTo("succeeded");
        Map<String, Long> flushed = flushedSeqs(flushStep.path("details").asText());
        Map<String, Long> onDisk = archivedSeqs(dir.resolve("archive"));
        try (io.nats.client.Connection nats = io.nats.client.Nats.connect(NATS.url())) {
            var jsm = nats.jetStreamManagement();
            assertThat(flushed).isNotEmpty().allSatisfy((stream, seq) -> {
                try {
                    assertThat(seq)
                            .as(stream)
                            .isPositive()
                            .isEqualTo(
                                    jsm.getStreamInfo(stream).getStreamState().getLastSequence());
                } catch (IOException | io.nats.client.JetStreamApiException e) {
                    throw new IllegalStateException(e);
                }
                assertThat(onDisk.getOrDefault(stream, 0L)).as(stream).isGreaterThanOrEqualTo(seq);
            });
        }
        assertThat(flushed.keySet()).containsExactlyInAnyOrderElementsOf(onDisk.keySet());
        DailyCycleNodeTest.Run status = run("ops", "status", "--port", port, "--api-key-file", keyFile.toString());
        System.out.println("$ ssmd ops status (stopped)\n" + status.out());
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out())
                .contains("stopped since ", ", by " + System.getProperty("user.name"), "stop-connectors")
                .doesNotContain(KEY);
        // A new gateway client is refused with 503 while the cluster is stopped.
        assertThat(stream(http, new ArrayList<>()))
                .failsWithin(Duration.ofSeconds(15))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(
                        java.net.http.WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(503));
        HttpResponse<String> rolling = call(http, "POST", "/v1/admin/ops/cycle?mode=rolling&by=tester");
        assertThat(rolling.statusCode()).isEqualTo(409);
        assertThat(rolling.body()).contains("the cluster is stopped since", "ssmd ops start");
        // The feed manager's periodic re-send of the assignments does not start a stopped shard.
        await().during(REASSIGN)
                .atMost(REASSIGN.multipliedBy(3))
                .until(() -> shardStates(http).equals(Map.of("stopped", 3L)));

        // ssmd ops start: the shards stream again.
        DailyCycleNodeTest.Run started =
                run("ops", "start", "--yes", "--port", port, "--api-key-file", keyFile.toString());
        assertThat(started.code()).as(started.err()).isZero();
        await().atMost(WAIT)
                .until(() -> lastCycle(http).path("action").asText().equals("cycle-start")
                        && lastCycle(http).path("status").asText().equals("succeeded"));
        assertThat(shardStates(http)).isEqualTo(Map.of("streaming", 3L));
        stream(http, new ArrayList<>()).join().abort();
        DailyCycleNodeTest.Run after = run("ops", "status", "--port", port, "--api-key-file", keyFile.toString());
        System.out.println("$ ssmd ops status (started)\n" + after.out());
        assertThat(after.out()).contains("idle").doesNotContain("stopped since");

        // The archive: one scheduled_teardown gap per shard for each stop, dated by the steps, no other gap.
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
        system = null;
        List<Gap> gaps = new ArrayList<>();
        for (LocalDate d = LocalDate.ofInstant(began, ZoneOffset.UTC);
                !d.isAfter(LocalDate.now(ZoneOffset.UTC));
                d = d.plusDays(1)) {
            ArchiveInventory.gaps(dir.resolve("archive"), "kraken", d).forEach(g -> gaps.add(g.gap()));
        }
        assertThat(gaps).extracting(Gap::type).containsOnly(Gap.SCHEDULED_TEARDOWN);
        assertThat(gaps)
                .extracting(Gap::shard)
                .containsExactlyInAnyOrder("kraken-0", "kraken-1", "kraken-2", "kraken-0", "kraken-1", "kraken-2");
        long stopFrom = micros(stopStep.path("startedAt").asText());
        long stopTo = micros(stopStep.path("completedAt").asText());
        long startFrom = micros(startStep.path("startedAt").asText());
        long startTo = micros(startStep.path("completedAt").asText());
        // Each shard's first gap is the teardown cycle's, the second the one of ops stop and ops start.
        List<Gap> ofTheCycle = gaps.stream().collect(Collectors.groupingBy(Gap::shard)).values().stream()
                .map(ofShard -> ofShard.stream()
                        .min(java.util.Comparator.comparing(Gap::start))
                        .orElseThrow())
                .toList();
        assertThat(ofTheCycle).hasSize(3).allSatisfy(g -> {
            assertThat(g.start()).isBetween(stopFrom - TOLERANCE_MICROS, stopTo + TOLERANCE_MICROS);
            assertThat(g.end()).isBetween(startFrom - TOLERANCE_MICROS, startTo + TOLERANCE_MICROS);
            assertThat(g.reason()).isEqualTo("scheduled_teardown");
        });
    }

    /** {@code on node; flushed A to seq 12, B to seq 7}: the seq flushed to, per stream. */
    private static Map<String, Long> flushedSeqs(String detail) {
        assertThat(detail).contains("; flushed ");
        Map<String, Long> seqs = new java.util.TreeMap<>();
        for (String part : detail.substring(detail.indexOf("; flushed ") + "; flushed ".length())
                .split(", ")) {
            String[] words = part.split(" to seq ");
            seqs.put(words[0], Long.parseLong(words[1]));
        }
        return seqs;
    }

    /**
     * The highest seq in the archive's files per stream, committed ({@code .jsonl.gz}) or open ({@code .jsonl.gz.tmp},
     * read up to its last flush point).
     */
    private static Map<String, Long> archivedSeqs(Path root) throws IOException {
        Map<String, Long> seqs = new java.util.TreeMap<>();
        List<Path> files;
        try (var walk = Files.walk(root)) {
            files = walk.filter(f ->
                            f.toString().endsWith(".jsonl.gz") || f.toString().endsWith(".jsonl.gz.tmp"))
                    .toList();
        }
        for (Path file : files) {
            String stream = file.getParent().getParent().getFileName().toString();
            // As bytes: a Reader's buffer would drop the lines it decoded before the .tmp's end.
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
                byte[] chunk = new byte[8192];
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    bytes.write(chunk, 0, n);
                }
            } catch (java.io.EOFException | java.nio.file.NoSuchFileException e) {
                // An open .tmp ends at its last flush point (its bytes so far are kept); a .tmp renamed meanwhile is
                // read under its final name.
            }
            for (String line :
                    bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.endsWith("}")) {
                    seqs.merge(stream, JSON.readTree(line).path("seq").asLong(), Math::max);
                }
            }
        }
        return seqs;
    }

    /** A {@code /v1/stream} client that keeps every text message it receives. */
    private static java.util.concurrent.CompletableFuture<java.net.http.WebSocket> stream(int http, List<String> into) {
        return HTTP.newWebSocketBuilder()
                .header(ApiKeys.HEADER, KEY)
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + http + "/v1/stream"), new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(
                                    java.net.http.WebSocket socket, CharSequence data, boolean last) {
                                into.add(data.toString());
                                socket.request(1);
                                return null;
                            }
                        });
    }

    private static long micros(String instant) {
        Instant at = Instant.parse(instant);
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }

    private static List<String> steps(JsonNode cycle) {
        List<String> steps = new ArrayList<>();
        cycle.path("steps")
                .forEach(s -> steps.add(
                        s.path("action").asText() + " " + s.path("status").asText()));
        return steps;
    }

    private static JsonNode lastCycle(int http) throws IOException {
        return JSON.readTree(call(http, "GET", "/v1/admin/ops/status").body()).path("lastCycle");
    }

    /** How many shards are in each state, as /v1/feeds reports them. */
    private static Map<String, Long> shardStates(int http) throws IOException {
        List<String> states = new ArrayList<>();
        for (JsonNode feed :
                JSON.readTree(call(http, "GET", "/v1/feeds").body()).path("feeds")) {
            feed.path("shards").forEach(shard -> states.add(shard.path("state").asText()));
        }
        return states.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }

    private static DailyCycleNodeTest.Run run(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new Main());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        int code = cli.execute(args);
        return new DailyCycleNodeTest.Run(code, out.toString(), err.toString());
    }

    private static HttpResponse<String> call(int port, String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header(ApiKeys.HEADER, KEY)
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** H2 under the test's directory; the feed manager re-sends its assignments every {@link #REASSIGN}. */
    private NodeSettings settings() {
        NodeSettings base = TestNodeSettings.of("test-node", dir, Optional.of(NATS.url()), Path.of("unused"));
        NodeSettings.ConnectorSettings d = base.connectors();
        return new NodeSettings(
                base.nodeName(),
                base.dataDir(),
                base.environmentFile(),
                base.nats(),
                base.db(),
                base.http(),
                new NodeSettings.ConnectorSettings(
                        d.fillRatio(),
                        d.healthInterval(),
                        d.aliveInterval(),
                        REASSIGN,
                        d.rediscoverInterval(),
                        d.backpressureGapAfter(),
                        d.bookSnapshotInterval(),
                        d.failureRanges(),
                        d.instrumentsFromSecmaster()));
    }

    /** The shipped Kraken feed on the replay server, one instrument a connection (three shards), no schedule. */
    private Path environment(int port) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml"))
                .replace("max-instruments-per-connection: 100", "max-instruments-per-connection: 1");
        Files.writeString(feeds.resolve("kraken.yaml"), DemoLayout.local(feed, port));
        Path keys = Files.writeString(dir.resolve("api-keys"), ApiKeys.hash(KEY) + "\n");
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("teardown.yaml");
        Files.writeString(env, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  kraken:
                    enabled: true
                    instruments: [%s]
                streams:
                  defaults:
                    max-bytes: 64MiB
                    max-age: 1h
                    duplicate-window: 2m
                storage:
                  archive-root: %s
                  rotation: 1m
                archivers:
                  - name: main
                    streams: all
                gateway:
                  enabled: true
                  api-keys-file: %s
                """.formatted(
                        NatsServerExtension.freshName("teardown").toLowerCase(),
                        String.join(", ", Venues.byId("kraken").syntheticInstruments(3)),
                        dir.resolve("archive"),
                        keys));
        return env;
    }
}
