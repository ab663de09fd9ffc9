package io.ssmd.feeds.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.ws.WebSocketClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ssmd's WebSocket client ({@code ssmd.shard.websocket-client = ssmd}) against the replay server, which is Pekko
 * HTTP's server side: a session's frames in order, and a venue's connection limit refusing the handshake with 429
 * and its reason, as the shard's {@code lastError} then shows it.
 */
class SsmdWebSocketClientReplayTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private ServerBinding binding;
    private ReplayServer server;

    @AfterEach
    void unbind() {
        if (binding != null) {
            binding.unbind().toCompletableFuture().join();
        }
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    record Connection(
            BoundedSourceQueue<String> outbound,
            CompletionStage<WebSocketUpgradeResponse> upgrade,
            BlockingQueue<String> received,
            CompletionStage<Done> done) {

        String next() throws InterruptedException {
            String next = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(next).as("a frame within %s", WAIT).isNotNull();
            return next;
        }
    }

    private void start(ReplaySettings settings) {
        server = ReplayServer.create(TESTKIT.system(), new ReplayServerTest.CountingVenue(), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
    }

    private Connection connect() {
        URI uri = URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws/v1");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Pair<Pair<BoundedSourceQueue<String>, CompletionStage<WebSocketUpgradeResponse>>, CompletionStage<Done>> m =
                Source.<String>queue(16)
                        .viaMat(
                                WebSocketClient.flow(
                                        TESTKIT.system(),
                                        uri,
                                        Map.of(),
                                        1 << 20,
                                        (bytes, at, length) -> new String(bytes, StandardCharsets.UTF_8)),
                                Keep.both())
                        .toMat(Sink.foreach(received::add), Keep.both())
                        .run(TESTKIT.system());
        return new Connection(m.first().first(), m.first().second(), received, m.second());
    }

    @Test
    void aSessionsFramesArriveInOrder() throws Exception {
        start(ReplaySettings.synthetic("test", 0, 0, 1));
        Connection connection = connect();
        assertThat(connection.next()).isEqualTo("hello");
        connection.outbound().offer("sub");
        assertThat(connection.next()).isEqualTo("ack");
        for (int i = 1; i <= 2000; i++) {
            assertThat(connection.next()).isEqualTo("{\"d\":" + i + "}");
        }
    }

    @Test
    void aVenuesConnectionLimitSurfacesAs429WithItsReason() throws Exception {
        start(ReplaySettings.synthetic("test", 0, 0, 1).withMaxConnections(1));
        Connection first = connect();
        assertThat(first.next()).isEqualTo("hello");
        await().atMost(WAIT).until(() -> server.openSessions() == 1);

        Connection second = connect();
        WebSocketUpgradeResponse refused =
                second.upgrade().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(refused.isValid()).isFalse();
        assertThat(refused.response().status().intValue()).isEqualTo(429);
        assertThat(refused.invalidationReason())
                .startsWith("unexpected status code: 429 Too Many Requests")
                .contains("too many connections: test accepts 1 at once");
        CompletableFuture<Done> done = second.done().toCompletableFuture();
        assertThat(done)
                .failsWithin(WAIT)
                .withThrowableThat()
                .withMessageContaining("handshake refused: unexpected status code: 429");
        assertThat(second.received()).isEmpty();
    }
}
