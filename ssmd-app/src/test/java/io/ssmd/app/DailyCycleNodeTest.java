package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.ArchiveInventory;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.CycleLog;
import io.ssmd.core.meta.Metadata;
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
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily cycle on a node (DESIGN §17): a {@code rolling} cycle started by the environment's schedule while the
 * Kraken replay server streams, its every step a {@code deployment_log} row, every shard renewed and the archive
 * without a gap; and the admin routes {@code ssmd ops} uses (loopback only, behind the API key, 4xx with a reason).
 */
class DailyCycleNodeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ActorSystem<Void> SERVERS = ActorSystem.create(Behaviors.empty(), "cycle-venue");
    private static final String KEY = "cycle-test-key";
    private static final Duration WAIT = Duration.ofSeconds(150);

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
    void theScheduleRunsARollingCycleUnderLoadAndOpsDrivesItThroughTheAdminRoutes() throws Exception {
        ReplaySettings replay = ReplaySettings.synthetic("kraken", 0, 50, 7);
        venue = ReplayServer.create(SERVERS, Venues.byId("kraken").replayServer(replay), replay, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
        int port = venue.localAddress().getPort();
        // The cycle starts at the next whole minute at least 40 s away (the node starts meanwhile); each step pauses
        // 2 s first, so the cycle is seen running.
        LocalTime at = LocalTime.now(ZoneOffset.UTC)
                .plusSeconds(40)
                .truncatedTo(ChronoUnit.MINUTES)
                .plusMinutes(1);
        Path env = environment(port, at);
        system = TestNodeSettings.system("ssmd", "ssmd.cycle.step-pause = 2s");
        Instant started = Instant.now();
        Ssmd node = Ssmd.start(system, settings(), EnvironmentLoader.load(env, Map.of()));
        int http = node.httpAddress().getPort();
        await().atMost(WAIT).until(() -> streamingShards(http) == 3);

        // The admin routes: the key, the caller's address, the request.
        assertThat(call(http, "GET", "/v1/admin/ops/status", false).statusCode())
                .isEqualTo(401);
        HttpResponse<String> first = call(http, "GET", "/v1/admin/ops/status", true);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode idle = JSON.readTree(first.body());
        assertThat(idle.path("state").asText()).isEqualTo("idle");
        assertThat(idle.path("schedule").asText()).isEqualTo(at + " UTC rolling");
        assertThat(Instant.parse(idle.path("next").asText()))
                .isEqualTo(LocalDate.now(ZoneOffset.UTC).atTime(at).toInstant(ZoneOffset.UTC));
        HttpResponse<String> badMode = call(http, "POST", "/v1/admin/ops/cycle?mode=sideways&by=test", true);
        assertThat(badMode.statusCode()).isEqualTo(400);
        assertThat(badMode.body()).contains("mode must be one of [rolling, teardown]", "sideways");
        HttpResponse<String> noBy = call(http, "POST", "/v1/admin/ops/cycle?mode=rolling", true);
        assertThat(noBy.statusCode()).isEqualTo(400);
        assertThat(noBy.body()).contains("by is required");
        otherAddress().ifPresent(address -> {
            HttpResponse<String> far =
                    send(URI.create("http://" + address + ":" + http + "/v1/admin/ops/status"), "GET", true);
            assertThat(far.statusCode()).as("a caller not on loopback").isEqualTo(403);
            assertThat(far.body()).contains("loopback");
        });

        // The schedule starts the cycle; a manual one meanwhile is refused, naming the running one.
        await().atMost(WAIT)
                .until(() -> JSON.readTree(
                                call(http, "GET", "/v1/admin/ops/status", true).body())
                        .path("state")
                        .asText()
                        .equals("running"));
        HttpResponse<String> busy = call(http, "POST", "/v1/admin/ops/cycle?mode=rolling&by=test", true);
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(busy.body()).contains("is under way");
        await().atMost(WAIT)
                .until(() -> JSON.readTree(
                                call(http, "GET", "/v1/admin/ops/status", true).body())
                        .path("state")
                        .asText()
                        .equals("idle"));

        JsonNode status =
                JSON.readTree(call(http, "GET", "/v1/admin/ops/status", true).body());
        System.out.println("ops status after the scheduled cycle: " + status.toPrettyString());
        JsonNode last = status.path("lastCycle");
        assertThat(last.path("action").asText()).isEqualTo("cycle-rolling");
        assertThat(last.path("trigger").asText()).isEqualTo("scheduled");
        assertThat(last.path("status").asText()).as(last.toPrettyString()).isEqualTo("succeeded");
        List<String> steps = new ArrayList<>();
        last.path("steps")
                .forEach(s -> steps.add(
                        s.path("action").asText() + " " + s.path("status").asText()));
        assertThat(steps).containsExactly("sync succeeded", "renew succeeded", "verify succeeded", "health succeeded");
        String renewed = last.path("steps").get(1).path("details").asText();
        assertThat(renewed).contains("kraken-0", "kraken-1", "kraken-2");
        // Started by the timer set for the schedule's time: at it, not before.
        assertThat(Instant.parse(last.path("startedAt").asText()))
                .isAfterOrEqualTo(LocalDate.now(ZoneOffset.UTC).atTime(at).toInstant(ZoneOffset.UTC));

        // A manual cycle through the route: accepted with its id.
        HttpResponse<String> manual = call(http, "POST", "/v1/admin/ops/cycle?mode=rolling&by=tester", true);
        assertThat(manual.statusCode()).as(manual.body()).isEqualTo(202);
        String id = JSON.readTree(manual.body()).path("cycle").asText();
        await().atMost(WAIT)
                .until(() -> JSON.readTree(
                                call(http, "GET", "/v1/admin/ops/status", true).body())
                        .path("lastCycle")
                        .path("status")
                        .asText()
                        .equals("succeeded"));

        // ssmd ops through the same routes: the key from a file and never printed, the tables, --json, a refusal.
        Path keyFile = Files.writeString(dir.resolve("ops-key"), KEY + "\n");
        String portArg = Integer.toString(http);
        Run noKey = run("ops", "status", "--port", portArg);
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.err()).contains("(401)", "SSMD_API_KEY");
        Run table = run("ops", "status", "--port", portArg, "--api-key-file", keyFile.toString());
        System.out.println("$ ssmd ops status\n" + table.out());
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out())
                .contains("idle", "last cycle " + id + ": succeeded (manual by tester)", "renew", "verify")
                .doesNotContain(KEY);
        Run json = run("ops", "status", "--json", "--port", portArg, "--api-key-file", keyFile.toString());
        assertThat(JSON.readTree(json.out()).path("lastCycle").path("id").asText())
                .isEqualTo(id);

        // Every shard streamed through both renewals; the archive of the day holds no gap once the node has stopped.
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
        system = null;
        List<ArchiveInventory.StreamGap> gaps = new ArrayList<>();
        for (LocalDate d = LocalDate.ofInstant(started, ZoneOffset.UTC);
                !d.isAfter(LocalDate.now(ZoneOffset.UTC));
                d = d.plusDays(1)) {
            gaps.addAll(ArchiveInventory.gaps(dir.resolve("archive"), "kraken", d));
        }
        assertThat(gaps).isEmpty();
        try (Database db = Database.open(settings().db())) {
            CycleLog.Cycle manualCycle =
                    CycleLog.of(Metadata.of(db)).cycles(envName, 1).get(0);
            assertThat(manualCycle.cycle().cycleId()).isEqualTo(id);
            assertThat(manualCycle.cycle().trigger()).isEqualTo("manual");
            assertThat(manualCycle.cycle().triggeredBy()).isEqualTo("tester");
            assertThat(manualCycle.steps()).extracting(CycleLog.Row::status).containsOnly(CycleLog.SUCCEEDED);
        }
        Path conf = Files.writeString(
                dir.resolve("application.conf"),
                "ssmd.db.url = \"jdbc:h2:file:" + dir.resolve("db/ssmd") + ";MODE=PostgreSQL\"\n");
        Run history = run("env", "history", envName, "--config", conf.toString());
        System.out.println("$ ssmd env history " + envName + "\n" + history.out());
        assertThat(history.code()).as(history.err()).isZero();
        assertThat(history.out()).contains(id, "cycle-rolling", "renew", "scheduled", "tester");
    }

    private String envName;

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new Main());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private int streamingShards(int http) throws IOException {
        int n = 0;
        for (JsonNode feed :
                JSON.readTree(call(http, "GET", "/v1/feeds", true).body()).path("feeds")) {
            for (JsonNode shard : feed.path("shards")) {
                n += shard.path("state").asText().equals("streaming") ? 1 : 0;
            }
        }
        return n;
    }

    /** A non-loopback address of this host, if it has one. */
    private static Optional<String> otherAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address && nic.isUp()) {
                    return Optional.of(address.getHostAddress());
                }
            }
        }
        return Optional.empty();
    }

    private static HttpResponse<String> call(int port, String method, String path, boolean withKey) {
        return send(URI.create("http://127.0.0.1:" + port + path), method, withKey);
    }

    private static HttpResponse<String> send(URI uri, String method, boolean withKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(15))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (withKey) {
            request.header(ApiKeys.HEADER, KEY);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The shipped Kraken feed aimed at the replay server, three instruments of one a connection (three shards),
     * archived with one-minute files, the gateway behind an API key, and a rolling cycle at {@code at} UTC.
     */
    private Path environment(int port, LocalTime at) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml"))
                .replace("max-instruments-per-connection: 100", "max-instruments-per-connection: 1");
        Files.writeString(feeds.resolve("kraken.yaml"), DemoLayout.local(feed, port));
        Path keys = Files.writeString(dir.resolve("api-keys"), ApiKeys.hash(KEY) + "\n");
        envName = NatsServerExtension.freshName("cycle").toLowerCase();
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("cycle.yaml");
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
                schedule:
                  time: "%s"
                  timezone: UTC
                  mode: rolling
                """.formatted(
                        envName,
                        String.join(", ", Venues.byId("kraken").syntheticInstruments(3)),
                        dir.resolve("archive"),
                        keys,
                        at));
        return env;
    }

    /** H2 under the test's directory, HTTP on every interface (so a non-loopback caller can be refused). */
    private NodeSettings settings() {
        NodeSettings base = TestNodeSettings.of("test-node", dir, Optional.of(NATS.url()), Path.of("unused"));
        NodeSettings.ConnectorSettings d = base.connectors();
        return new NodeSettings(
                base.nodeName(),
                base.dataDir(),
                base.environmentFile(),
                base.nats(),
                base.db(),
                new NodeSettings.HttpSettings("0.0.0.0", 0),
                new NodeSettings.ConnectorSettings(
                        d.fillRatio(),
                        d.healthInterval(),
                        d.aliveInterval(),
                        d.reassignInterval(),
                        d.rediscoverInterval(),
                        d.backpressureGapAfter(),
                        d.bookSnapshotInterval(),
                        d.failureRanges(),
                        true));
    }
}
