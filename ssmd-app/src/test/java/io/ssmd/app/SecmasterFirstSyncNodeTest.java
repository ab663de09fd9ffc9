package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feed taking its instruments from the security master on a node whose venue is down at startup: the startup sync
 * fails, the feed waits for its first sync, and once the venue is up the sync is tried again within seconds (not a
 * whole {@code sync-every}, an hour here) and the feed streams, capped at its {@code max-instruments} (Gamma's
 * ranking, down too, is asked for again as quickly).
 */
class SecmasterFirstSyncNodeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ActorSystem<Void> SERVERS = ActorSystem.create(Behaviors.empty(), "polymarket-venue");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern FAILURES =
            Pattern.compile("(?m)^ssmd_secmaster_sync_failures_total\\{feed=\"polymarket\"} (\\S+)$");

    @TempDir
    Path dir;

    private ActorSystem<Void> system;
    private ServerBinding binding;

    @AfterEach
    void stop() {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
        if (binding != null) {
            binding.unbind().toCompletableFuture().join();
        }
    }

    @AfterAll
    static void shutdown() {
        SERVERS.terminate();
        SERVERS.getWhenTerminated().toCompletableFuture().join();
    }

    @Test
    void aStartupSyncThatFailedIsRetriedInSecondsAndTheWaitingFeedStreamsOnceTheVenueIsUp() throws Exception {
        int port = freePort();
        Path env = environment(port);
        // One try per request, a first retry after 1 s: the venue's absence shows at once.
        system = TestNodeSettings.system("ssmd", "ssmd.secmaster { request-attempts = 1, sync-retry = 1s }");
        Ssmd node = Ssmd.start(system, settings(), EnvironmentLoader.load(env, Map.of()));

        await().atMost(WAIT).until(() -> failures(node) >= 1);
        assertThat(shards(node)).isEmpty();

        ReplaySettings replay = ReplaySettings.synthetic("polymarket", port, 20, 7)
                .withInstruments(PolymarketReplayServer.syntheticInstruments(12));
        binding = ReplayServer.create(SERVERS, PolymarketReplayServer.create(replay), replay, new Faults())
                .bind()
                .toCompletableFuture()
                .join();

        // sync-every is an hour: only the quick retry can bring the feed up within the wait.
        await().atMost(WAIT)
                .until(() -> shards(node).stream()
                        .anyMatch(s -> s.path("state").asText().equals("streaming") && messages(s) > 0));
        List<JsonNode> shards = shards(node);
        assertThat(shards).hasSize(1);
        assertThat(shards.get(0).path("instruments")).hasSize(4);
    }

    private static long messages(JsonNode shard) {
        long total = 0;
        for (JsonNode count : shard.path("messages")) {
            total += count.asLong();
        }
        return total;
    }

    /** The feed's failed syncs, from the node's /metrics. */
    private double failures(Ssmd node) throws IOException, InterruptedException {
        Matcher m = FAILURES.matcher(get(node, "/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The Polymarket shards as /v1/feeds lists them. */
    private List<JsonNode> shards(Ssmd node) throws IOException, InterruptedException {
        List<JsonNode> shards = new ArrayList<>();
        for (JsonNode feed : JSON.readTree(get(node, "/v1/feeds")).path("feeds")) {
            if (feed.path("feed").asText().equals("polymarket")) {
                feed.path("shards").forEach(shards::add);
            }
        }
        return shards;
    }

    private static String get(Ssmd node, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + path);
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /**
     * The shipped Polymarket feed file aimed at {@code port} (nobody listens there yet), and an environment that runs
     * it from the security master, at most 4 tokens (two markets), syncing at startup and then hourly.
     */
    private Path environment(int port) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/polymarket.yaml"))
                .replace(
                        "wss://ws-subscriptions-clob.polymarket.com/ws/market", "ws://127.0.0.1:" + port + "/ws/market")
                .replace("discovery: https://gamma-api.polymarket.com", "discovery: http://127.0.0.1:" + port)
                .replace("min-backoff: 1s", "min-backoff: 100ms");
        Files.writeString(feeds.resolve("polymarket.yaml"), feed);
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("first.yaml");
        Files.writeString(
                env, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  polymarket:
                    enabled: true
                    discovery:
                      max-instruments: 4
                secmaster:
                  sync-every: 1h
                streams:
                  defaults:
                    max-bytes: 64MiB
                    max-age: 1h
                    duplicate-window: 2m
                storage:
                  archive-root: %s
                archivers: []
                """.formatted(NatsServerExtension.freshName("first").toLowerCase(), dir.resolve("archive")));
        return env;
    }

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
                        d.reassignInterval(),
                        d.rediscoverInterval(),
                        d.backpressureGapAfter(),
                        d.bookSnapshotInterval(),
                        d.failureRanges(),
                        true));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
