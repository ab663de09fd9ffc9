package io.ssmd.http.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A WebSocket client of {@code /v1/stream} for tests, on the JDK's client. It records every message with its arrival
 * time; {@link #pause()} stops reading from the socket (the JDK client then stops pulling, and TCP pushes back on
 * the gateway) until {@link #resume()}.
 */
final class WsClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    /** One message and when it arrived (epoch µs). */
    record Received(JsonNode json, long atMicros) {}

    private WsClient(HttpClient http, URI uri, String apiKey) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            builder.header(ApiKeys.HEADER, apiKey);
        }
        socket = builder.buildAsync(uri, new Listener()).join();
    }

    static WsClient connect(HttpClient http, URI uri) {
        return new WsClient(http, uri, null);
    }

    static WsClient connect(HttpClient http, URI uri, String apiKey) {
        return new WsClient(http, uri, apiKey);
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
    }

    List<Received> received() {
        return received;
    }

    /** The messages received so far, as JSON. */
    List<JsonNode> messages() {
        return received.stream().map(Received::json).toList();
    }

    /** Forgets the messages received so far (a test holding many clients measures the heap without them). */
    void forget() {
        received.clear();
    }

    /** Received messages of one {@code type}. */
    List<JsonNode> ofType(String type) {
        return messages().stream()
                .filter(m -> m.path("type").asText().equals(type))
                .toList();
    }

    /** Waits for a message matching the predicate and returns it. */
    JsonNode awaitMessage(Predicate<JsonNode> matching) {
        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .atMost(Duration.ofSeconds(20))
                .until(() -> messages().stream().anyMatch(matching));
        return messages().stream().filter(matching).findFirst().orElseThrow();
    }

    /** Completes with {@code code reason} when the server closes, or exceptionally when the connection fails. */
    CompletableFuture<String> closed() {
        return closed;
    }

    void pause() {
        paused.set(true);
    }

    void resume() {
        if (paused.compareAndSet(true, false)) {
            socket.request(1);
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "test done").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    received.add(new Received(JSON.readTree(text), io.ssmd.core.nats.EpochMicros.now()));
                } catch (IOException e) {
                    throw new UncheckedIOException("the gateway sent something that is not JSON: " + text, e);
                }
            }
            if (!paused.get()) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
