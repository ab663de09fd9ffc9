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
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's demonstration on a whole node: 1,200 Polymarket assets from the replay server's Gamma API run as three
 * shards of 400; one shard's connection is dropped, then frozen (pongs still answered, data stopped): each time only
 * that shard reconnects, the other two keep streaming, and {@code /v1/feeds} shows all of it.
 */
class PolymarketShardsNodeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ActorSystem<Void> SERVERS = ActorSystem.create(Behaviors.empty(), "polymarket-venue");
    private static final Duration WAIT = Duration.ofSeconds(60);

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
    void aDroppedThenFrozenShardReconnectsAloneAndFeedsShowsIt() throws Exception {
        List<String> assets = PolymarketReplayServer.syntheticInstruments(1200);
        ReplaySettings replay =
                ReplaySettings.synthetic("polymarket", 0, 200, 7).withInstruments(assets);
        ReplayServer venue = ReplayServer.create(SERVERS, PolymarketReplayServer.create(replay), replay, new Faults());
        binding = venue.bind().toCompletableFuture().join();
        int port = binding.localAddress().getPort();
        Path env = environment("ws://127.0.0.1:" + port + "/ws/market", "http://127.0.0.1:" + port);
        system = TestNodeSettings.system("ssmd");
        Ssmd node = Ssmd.start(system, settings(), EnvironmentLoader.load(env, Map.of()));

        await().atMost(WAIT)
                .until(() -> shards(node).stream().filter(s -> streaming(s)).count() == 3);
        List<JsonNode> shards = shards(node);
        assertThat(shards).extracting(s -> s.path("instruments").size()).containsExactly(400, 400, 400);
        List<String> all = new ArrayList<>();
        shards.forEach(s -> s.path("instruments").forEach(i -> all.add(i.asText())));
        assertThat(all).containsExactlyInAnyOrderElementsOf(assets);

        // Dropped: the venue closes polymarket-1's socket.
        venue.faults().only(instruments(shard(node, "polymarket-1")));
        venue.faults().disconnectAll();
        await().atMost(WAIT).until(() -> reconnected(node, "polymarket-1", 1));

        // Frozen: polymarket-1's new connection answers every PING but its data stops; the data-silence watchdog
        // (3 s here) finds it, although the socket-silence watchdog (2 s) never fires.
        long othersBefore = messages(shard(node, "polymarket-0")) + messages(shard(node, "polymarket-2"));
        venue.faults().freezeOpenSessions();
        await().atMost(WAIT).until(() -> reconnected(node, "polymarket-1", 2));
        JsonNode healed = shard(node, "polymarket-1");
        assertThat(healed.path("lastError").asText()).contains("stalled").contains("data-silence watchdog");

        for (String sibling : List.of("polymarket-0", "polymarket-2")) {
            JsonNode other = shard(node, sibling);
            assertThat(other.path("reconnects").asLong())
                    .as(sibling + " reconnects")
                    .isZero();
            assertThat(other.path("state").asText()).isEqualTo("streaming");
        }
        await().atMost(WAIT)
                .until(() ->
                        messages(shard(node, "polymarket-0")) + messages(shard(node, "polymarket-2")) > othersBefore);
    }

    private static boolean streaming(JsonNode shard) {
        return shard.path("state").asText().equals("streaming");
    }

    private boolean reconnected(Ssmd node, String name, int times) throws Exception {
        JsonNode shard = shard(node, name);
        return shard.path("reconnects").asLong() == times && streaming(shard);
    }

    private static long messages(JsonNode shard) {
        long total = 0;
        for (JsonNode count : shard.path("messages")) {
            total += count.asLong();
        }
        return total;
    }

    private static List<String> instruments(JsonNode shard) {
        return StreamSupport.stream(shard.path("instruments").spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    private JsonNode shard(Ssmd node, String name) throws Exception {
        return shards(node).stream()
                .filter(s -> s.path("shard").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** The Polymarket shards as /v1/feeds lists them, by name. */
    private List<JsonNode> shards(Ssmd node) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + "/v1/feeds");
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> shards = new ArrayList<>();
        for (JsonNode feed : JSON.readTree(response.body()).path("feeds")) {
            if (feed.path("feed").asText().equals("polymarket")) {
                feed.path("shards").forEach(shards::add);
            }
        }
        shards.sort((a, b) -> a.path("shard").asText().compareTo(b.path("shard").asText()));
        return shards;
    }

    /** The shipped Polymarket feed file aimed at the replay server, with short watchdogs, and an environment. */
    private Path environment(String websocket, String gamma) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/polymarket.yaml"));
        feed = replace(feed, "wss://ws-subscriptions-clob.polymarket.com/ws/market", websocket);
        feed = replace(feed, "discovery: https://gamma-api.polymarket.com", "discovery: " + gamma);
        feed = replace(feed, "ping-interval: 10s", "ping-interval: 300ms");
        feed = replace(feed, "silence-timeout: 30s", "silence-timeout: 2s");
        feed = replace(feed, "data-silence-timeout: 120s", "data-silence-timeout: 3s");
        feed = replace(feed, "min-backoff: 1s", "min-backoff: 100ms");
        Files.writeString(feeds.resolve("polymarket.yaml"), feed);
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("shards.yaml");
        Files.writeString(
                env, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  polymarket:
                    enabled: true
                    discovery:
                      max-instruments: 1200
                # The feed takes its markets from the security master: synced from the replay server at startup.
                secmaster:
                  sync-every: 1h
                streams:
                  defaults:
                    max-bytes: 256MiB
                    max-age: 1h
                    duplicate-window: 2m
                storage:
                  archive-root: %s
                archivers: []
                """.formatted(NatsServerExtension.freshName("pm").toLowerCase(), dir.resolve("archive")));
        return env;
    }

    private static String replace(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new IllegalStateException("polymarket.yaml no longer contains '" + from + "': update the test");
        }
        return text.replace(from, to);
    }

    private NodeSettings settings() {
        return TestNodeSettings.of("test-node", dir, Optional.of(NATS.url()), Path.of("unused"));
    }
}
