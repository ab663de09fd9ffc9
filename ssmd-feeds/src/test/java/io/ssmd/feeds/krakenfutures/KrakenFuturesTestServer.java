package io.ssmd.feeds.krakenfutures;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.ssmd.feeds.krakenfutures.replay.KrakenFuturesFrames;
import io.ssmd.feeds.krakenfutures.replay.KrakenFuturesReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/** A Kraken Futures replay server bound on a free port for one test, with what the tests need around it. */
public final class KrakenFuturesTestServer implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);
    /** Numbers read exactly, so that tests compare the wire text of prices, not doubles. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ReplayServer server;
    private final ServerBinding binding;
    private final List<WsTestClient> clients = new ArrayList<>();

    private KrakenFuturesTestServer(ActorSystem<?> system, ReplaySettings settings) {
        server = ReplayServer.create(system, KrakenFuturesReplayServer.create(settings), settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
    }

    public static KrakenFuturesTestServer start(ActorSystem<?> system, ReplaySettings settings) {
        return new KrakenFuturesTestServer(system, settings);
    }

    /** Synthetic data at {@code rate} frames/s (0: as fast as the client reads) with seed 7. */
    public static ReplaySettings synthetic(int rate) {
        return ReplaySettings.synthetic("kraken-futures", 0, rate, 7);
    }

    Faults faults() {
        return server.faults();
    }

    int port() {
        return binding.localAddress().getPort();
    }

    /** A new client, closed with the server; its {@code info} greeting is already read. */
    public WsTestClient client() throws InterruptedException {
        WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + port() + "/ws/v1"));
        clients.add(client);
        String info = client.next(WAIT);
        if (!info.equals(KrakenFuturesFrames.INFO)) {
            throw new AssertionError("expected the info greeting, got " + info);
        }
        return client;
    }

    HttpResponse<String> http(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .method(
                        method,
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        clients.forEach(WsTestClient::close);
        binding.unbind().toCompletableFuture().join();
    }

    public static JsonNode parse(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + frame, e);
        }
    }

    /** Whether a frame is market data of this feed ({@code book}, {@code book_snapshot}, {@code trade}...). */
    public static boolean isFeed(String frame, String feed) {
        return frame.startsWith("{") && feed.equals(parse(frame).path("feed").asText());
    }

    /** The lines of the Kraken Futures sample frames that the tests carry (exchanges/kraken-futures). */
    public static List<String> sampleLines() {
        return Files.exists(samplePath()) ? readLines(samplePath()) : List.of();
    }

    public static Path samplePath() {
        try {
            return Path.of(
                    Objects.requireNonNull(KrakenFuturesTestServer.class.getResource("/kraken-futures/messages.jsonl"))
                            .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Line {@code number} (from 1) of the sample frames. */
    public static String sample(int number) {
        return sampleLines().get(number - 1);
    }

    public static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> !line.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The field names of a JSON object, in order. */
    public static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
