package io.ssmd.feeds.polymarket;

import io.ssmd.feeds.polymarket.replay.PolymarketReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;

/** A Polymarket replay server bound on a free port, with plain JDK clients for its WebSocket and REST. */
public final class PolymarketTestServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ReplayServer server;
    private final ServerBinding binding;

    private PolymarketTestServer(ActorTestKit testkit, ReplaySettings settings) {
        server = ReplayServer.create(testkit.system(), PolymarketReplayServer.create(settings), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
    }

    public static PolymarketTestServer start(ActorTestKit testkit, ReplaySettings settings) {
        return new PolymarketTestServer(testkit, settings);
    }

    /** Synthetic data at {@code rate} frames/s (0: as fast as the client reads). */
    public static PolymarketTestServer synthetic(ActorTestKit testkit, int rate, long seed) {
        return start(testkit, ReplaySettings.synthetic("polymarket", 0, rate, seed));
    }

    Faults faults() {
        return server.faults();
    }

    public WsTestClient client() {
        return WsTestClient.connect(
                URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws/market"));
    }

    /** The server's HTTP base, where Gamma's {@code /markets} is. */
    URI base() {
        return URI.create("http://127.0.0.1:" + binding.localAddress().getPort());
    }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + binding.localAddress().getPort() + pathAndQuery))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        binding.unbind().toCompletableFuture().join();
    }

    /** The venue sample's lines (src/test/resources/polymarket/messages.jsonl, a copy of exchanges/polymarket). */
    public static List<String> sampleLines() {
        return resource("/polymarket/messages.jsonl").lines().toList();
    }

    public static String resource(String name) {
        try (InputStream in = PolymarketTestServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
