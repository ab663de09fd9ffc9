package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.JetStreamManagement;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SsmdNodeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private ActorSystem<Void> system;

    @AfterEach
    void terminate() {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    @Test
    void servesHealthAndMetricsAndCreatesTheEnvironmentsStreams() throws Exception {
        Ssmd node = Ssmd.start(newSystem(), settings(Optional.of(NATS.url())), defaultEnvironment());

        // Ready once the gateway has replayed the streams (the shards' control events may already be there).
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get(node, "/v1/health").statusCode() == 200);
        HttpResponse<String> health = get(node, "/v1/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("checks").path("nats").path("ok").asBoolean()).isTrue();
        assertThat(body.path("checks").path("database").path("ok").asBoolean()).isTrue();
        assertThat(body.path("checks").has("embedded-nats")).isFalse();
        assertThat(body.path("checks").path("gateway").path("ok").asBoolean()).isTrue();

        HttpResponse<String> metrics = get(node, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("ssmd_node_info{node=\"test-node\"")
                .contains("ssmd_nats_connected 1")
                .contains("ssmd_gateway_clients_connected 0")
                .contains("ssmd_gateway_messages_sent_total")
                .contains("ssmd_gateway_dropped_total");
        assertThat(node.gateway()).as("the default roles include the gateway").isPresent();
        // The security master answers /v1/markets (empty until a sync stored markets); the gateway its trades.
        HttpResponse<String> markets = get(node, "/v1/markets");
        assertThat(markets.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(markets.body()).path("markets").isArray()).isTrue();
        HttpResponse<String> trades = get(node, "/v1/markets/kraken/BTC%2FUSD/trades");
        assertThat(trades.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(trades.body()).path("id").asText()).isEqualTo("BTC/USD");

        HttpResponse<String> feeds = get(node, "/v1/feeds");
        assertThat(feeds.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(feeds.body()).path("feeds").findValuesAsText("feed"))
                .contains("kraken", "kraken-futures", "polymarket");

        HttpResponse<String> missing = get(node, "/v1/no-such-thing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("error").asText()).isNotEmpty();

        JetStreamManagement jsm = node.nats().jetStreamManagement();
        assertThat(jsm.getStreamNames()).contains("DEFAULT_KRAKEN", "DEFAULT_KRAKEN_FUTURES", "DEFAULT_POLYMARKET");
        assertThat(jsm.getStreamInfo("DEFAULT_KRAKEN").getConfiguration().getSubjects())
                .containsExactly("default.kraken.>");
    }

    @Test
    void anArchiveDirectoryThatCannotBeWrittenMakesTheHealthDegradedUntilItCan() throws Exception {
        // A file where the kraken stream's directory goes: that archiver cannot write, the others can.
        Path blocked = java.nio.file.Files.createDirectories(dir.resolve("archive/default"))
                .resolve("kraken");
        java.nio.file.Files.writeString(blocked, "in the way");
        Ssmd node = Ssmd.start(newSystem(), settings(Optional.of(NATS.url())), defaultEnvironment());

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !JSON.readTree(get(node, "/v1/health").body())
                        .path("checks")
                        .path("archive-storage")
                        .path("ok")
                        .asBoolean(true));
        HttpResponse<String> health = get(node, "/v1/health");
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.path("status").asText()).isEqualTo("degraded");
        assertThat(body.path("checks").path("archive-storage").path("detail").asText())
                .contains("DEFAULT_KRAKEN: cannot write " + blocked.resolve("DEFAULT_KRAKEN"), "free of")
                .doesNotContain("DEFAULT_POLYMARKET");

        java.nio.file.Files.delete(blocked);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> JSON.readTree(get(node, "/v1/health").body())
                        .path("checks")
                        .path("archive-storage")
                        .path("ok")
                        .asBoolean(false));
        assertThat(JSON.readTree(get(node, "/v1/health").body())
                        .path("checks")
                        .path("archive-storage")
                        .path("detail")
                        .asText())
                .contains("can write their directories");
    }

    @Test
    void embeddedNatsIsSupervisedAndStoppedOnShutdown() throws Exception {
        Ssmd node = Ssmd.start(newSystem(), settings(Optional.empty()), defaultEnvironment());
        NatsServerProcess server = node.embeddedNats().orElseThrow();
        long firstPid = server.pid().orElseThrow();
        assertThat(JSON.readTree(get(node, "/v1/health").body())
                        .path("checks")
                        .path("embedded-nats")
                        .path("ok")
                        .asBoolean())
                .isTrue();

        server.kill();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> server.pid().filter(pid -> pid != firstPid).isPresent());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> get(node, "/v1/health").statusCode() == 200);
        long secondPid = server.pid().orElseThrow();

        node.shutdown();
        system = null;
        assertThat(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(server.isRunning()).isFalse();
    }

    private ActorSystem<Void> newSystem() {
        system = TestNodeSettings.system("ssmd-test");
        return system;
    }

    private NodeSettings settings(Optional<String> natsUrl) {
        return TestNodeSettings.of("test-node", dir, natsUrl, Path.of("unused"));
    }

    private Environment defaultEnvironment() throws IOException {
        return EnvironmentLoader.load(copyDefaultEnvironment(), Map.of());
    }

    /** The shipped environment and feed files in a temporary copy, archiving into the test's directory. */
    private Path copyDefaultEnvironment() throws IOException {
        Path env = ShippedExchanges.copyInto(dir);
        ShippedExchanges.edit(env, "archive-root: ./data/archive", "archive-root: " + dir.resolve("archive"));
        return env;
    }

    private static HttpResponse<String> get(Ssmd node, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + path);
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
