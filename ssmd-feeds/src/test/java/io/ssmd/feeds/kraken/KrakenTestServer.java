package io.ssmd.feeds.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.kraken.replay.KrakenReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/** A bound Kraken replay server on a free port, with plain clients for it: what every Kraken test starts from. */
public final class KrakenTestServer implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ReplayServer server;
    private final ServerBinding binding;

    private KrakenTestServer(ActorSystem<?> system, ReplaySettings settings) {
        server = ReplayServer.create(system, KrakenReplayServer.create(settings), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
    }

    public static KrakenTestServer start(ActorSystem<?> system, ReplaySettings settings) {
        return new KrakenTestServer(system, settings);
    }

    /** Synthetic data at {@code rate} frames/s (0: as fast as the client reads). */
    public static ReplaySettings synthetic(int rate, long seed) {
        return ReplaySettings.synthetic(KrakenReplayServer.VENUE, 0, rate, seed);
    }

    Faults faults() {
        return server.faults();
    }

    ReplayServer server() {
        return server;
    }

    public WsTestClient client() {
        return WsTestClient.connect(
                URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + "/v2"));
    }

    /** A client past the {@code status} frame. */
    public WsTestClient connected() throws InterruptedException {
        WsTestClient client = client();
        String status = client.next(WAIT);
        if (!status.startsWith("{\"channel\":\"status\"")) {
            throw new AssertionError("expected status first, got " + status);
        }
        return client;
    }

    public HttpResponse<String> http(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
                .method(
                        method,
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        binding.unbind().toCompletableFuture().join();
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** An object's keys in wire order, nested ones as {@code result.channel}. */
    public static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fields().forEachRemaining(field -> {
            keys.add(field.getKey());
            if (field.getValue().isObject()) {
                keys(field.getValue()).forEach(k -> keys.add(field.getKey() + "." + k));
            }
        });
        return keys;
    }

    /** A frame without its clock-dependent fields, for comparing runs. */
    public static String withoutTimes(String frame) {
        return frame.replaceAll("\"(timestamp|time_in|time_out)\":\"[^\"]*\"", "\"$1\":\"\"");
    }

    public static boolean isData(String frame) {
        return frame.startsWith("{\"channel\":\"book\"")
                || frame.startsWith("{\"channel\":\"trade\"")
                || frame.startsWith("{\"channel\":\"ticker\"");
    }
}
