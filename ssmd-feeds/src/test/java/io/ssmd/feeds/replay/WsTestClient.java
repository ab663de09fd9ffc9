package io.ssmd.feeds.replay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A plain WebSocket client for replay-server tests: the JDK's own, not ssmd's connector, so the tests check the
 * server against an independent implementation. Frames arrive in a queue; the end of the connection is recorded.
 */
public final class WsTestClient implements AutoCloseable {

    /**
     * How the connection ended: 1000 a clean close, 1011 a server error (how a replay-server drop looks), 1006 the
     * connection lost without a close frame.
     */
    public record Ended(int code, String reason, Throwable error) {}

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Ended> ended = new CompletableFuture<>();
    private final AtomicInteger pings = new AtomicInteger();
    private final WebSocket socket;

    private WsTestClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        socket = builder.buildAsync(uri, new Listener()).join();
    }

    public static WsTestClient connect(URI uri) {
        return new WsTestClient(uri, Map.of());
    }

    public static WsTestClient connect(URI uri, Map<String, String> headers) {
        return new WsTestClient(uri, headers);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The next frame, or fails the test when none arrives within {@code timeout}. */
    public String next(Duration timeout) throws InterruptedException {
        String frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError(
                    "no frame within " + timeout + (ended.isDone() ? "; connection ended: " + ended.getNow(null) : ""));
        }
        return frame;
    }

    /** Skips frames until one matches; fails the test when none does within {@code timeout}. */
    public String nextMatching(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (frame == null) {
                throw new AssertionError("no matching frame within " + timeout
                        + (ended.isDone() ? "; connection ended: " + ended.getNow(null) : ""));
            }
            if (matching.test(frame)) {
                return frame;
            }
        }
    }

    /** A frame if one is queued now or arrives within {@code wait}, else null. */
    public String poll(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public CompletableFuture<Ended> ended() {
        return ended;
    }

    /** WebSocket ping frames received from the server. */
    public int pings() {
        return pings.get();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            return WebSocket.Listener.super.onPing(webSocket, message);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete(new Ended(statusCode, reason, null));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete(new Ended(1006, "dropped", error));
        }
    }
}
