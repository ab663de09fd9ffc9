package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import io.ssmd.feeds.replay.WsTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/** A bound Kalshi replay server for tests, and a client that signs its handshake as a Kalshi client does. */
public final class KalshiTestServer implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);
    public static final ObjectMapper JSON = new ObjectMapper();
    /** One key pair for the whole run: 2048-bit generation is the slow part of a handshake test. */
    public static final KeyPair KEYS = generateKeys();

    public static final Path PUBLIC_KEY_PEM = writePublicKeyPem();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ReplayServer server;
    private final ServerBinding binding;

    private KalshiTestServer(ActorSystem<?> system, VenueServer venue, ReplaySettings settings) {
        server = ReplayServer.create(system, venue, settings, new Faults());
        binding = server.bind().toCompletableFuture().join();
    }

    /** Synthetic data at {@code rate} frames/s (0: as fast as read), handshakes checked against the test key. */
    public static KalshiTestServer synthetic(ActorSystem<?> system, int rate, long seed) {
        return start(system, settings(rate, seed));
    }

    public static ReplaySettings settings(int rate, long seed) {
        return ReplaySettings.synthetic("kalshi", 0, rate, seed).withKalshiPublicKey(PUBLIC_KEY_PEM);
    }

    public static KalshiTestServer start(ActorSystem<?> system, ReplaySettings settings) {
        return new KalshiTestServer(system, KalshiReplayServer.create(settings), settings);
    }

    public static KalshiTestServer start(ActorSystem<?> system, VenueServer venue, ReplaySettings settings) {
        return new KalshiTestServer(system, venue, settings);
    }

    Faults faults() {
        return server.faults();
    }

    int port() {
        return binding.localAddress().getPort();
    }

    public URI websocketUri() {
        return URI.create("ws://127.0.0.1:" + port() + KalshiProtocol.WEBSOCKET_PATH);
    }

    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** POSTs to one of the server's control routes (faults, lifecycle events); the test fails unless it answers 200. */
    public void post(String path, String body) throws IOException, InterruptedException {
        ok(HTTP.send(
                HttpRequest.newBuilder(http(path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    /** DELETEs on a control route (a fault lifted); the test fails unless it answers 200. */
    public void delete(String path) throws IOException, InterruptedException {
        ok(HTTP.send(HttpRequest.newBuilder(http(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** The body of a GET on the server (its REST API or a control route). */
    public String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(http(path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Kalshi lifecycle events ({@code created}, {@code settled}, …) for these markets, sent now. */
    public void lifecycle(String event, List<String> tickers) throws IOException, InterruptedException {
        post(
                "/control/lifecycle",
                "{\"event\":\"" + event + "\",\"tickers\":[\"" + String.join("\",\"", tickers) + "\"]}");
    }

    private static void ok(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError("replay server answered " + response.statusCode() + " to " + response.uri() + ": "
                    + response.body());
        }
    }

    /**
     * An environment {@code env} under {@code dir} with the shipped kalshi.yaml pointed at this server (backoff from
     * 100 ms) and the test key as its credentials.
     *
     * @param kalshi the environment's settings of the kalshi feed besides {@code enabled}, one per line (for
     *               example {@code discovery: {max-instruments: 5000}})
     */
    public Environment environment(Path dir, String env, String... kalshi) throws IOException {
        Path shipped = Path.of(System.getProperty("ssmd.project.dir", "..")).resolve("exchanges/feeds/kalshi.yaml");
        String feed = Files.readString(shipped)
                .replaceAll("(?m)^(\\s+websocket:\\s*)\\S+", "$1" + websocketUri())
                .replaceAll("(?m)^(\\s+rest:\\s*)\\S+", "$1" + http("/trade-api/v2"))
                .replace("min-backoff: 1s", "min-backoff: 100ms");
        Files.createDirectories(dir.resolve("feeds"));
        Files.writeString(dir.resolve("feeds/kalshi.yaml"), feed);
        Path key = dir.resolve("kalshi.pem");
        Files.writeString(key, pem("PRIVATE KEY", KEYS.getPrivate().getEncoded()));
        StringBuilder settings = new StringBuilder();
        for (String line : kalshi) {
            settings.append("    ").append(line).append('\n');
        }
        Path envFile = Files.createDirectories(dir.resolve("environments")).resolve(env + ".yaml");
        Files.writeString(envFile, """
                name: %s
                feeds:
                  kalshi:
                    enabled: if-credentials
                %sstorage:
                  archive-root: %s
                """.formatted(env, settings, dir.resolve("archive")));
        return EnvironmentLoader.load(
                envFile,
                Map.of(
                        "KALSHI_API_KEY_ID",
                        "a952bcbe-ec3b-4b5b-b8f9-11dae589608c",
                        "KALSHI_PRIVATE_KEY_FILE",
                        key.toString()));
    }

    /** A client that signed its handshake with the test key, now. */
    public WsTestClient connect() {
        return WsTestClient.connect(websocketUri(), signedHeaders(KEYS.getPrivate(), System.currentTimeMillis()));
    }

    /** The three Kalshi handshake headers, signed as the docs' client code signs them. */
    public static Map<String, String> signedHeaders(PrivateKey key, long timestampMillis) {
        String timestamp = Long.toString(timestampMillis);
        return Map.of(
                "KALSHI-ACCESS-KEY",
                "a952bcbe-ec3b-4b5b-b8f9-11dae589608c",
                "KALSHI-ACCESS-TIMESTAMP",
                timestamp,
                "KALSHI-ACCESS-SIGNATURE",
                sign(key, timestamp + "GET" + KalshiProtocol.WEBSOCKET_PATH));
    }

    public static String sign(PrivateKey key, String message) {
        try {
            Signature signer = Signature.getInstance("RSASSA-PSS");
            signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            signer.initSign(key);
            signer.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode parse(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + frame, e);
        }
    }

    /** The frame's keys in wire order. */
    public static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** The next {@code n} frames, parsed. */
    public static List<JsonNode> next(WsTestClient client, int n) throws InterruptedException {
        List<JsonNode> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            frames.add(parse(client.next(WAIT)));
        }
        return frames;
    }

    /** The next frame of this type, parsed. */
    public static JsonNode nextOfType(WsTestClient client, String type) throws InterruptedException {
        return parse(client.nextMatching(f -> f.startsWith("{\"type\":\"" + type + "\""), WAIT));
    }

    /** A line of the venue sample messages.jsonl (from 1), the real frames the server's are compared with. */
    public static String sampleLine(int number) {
        return sampleLines().get(number - 1);
    }

    public static List<String> sampleLines() {
        try {
            return Files.readAllLines(sampleMessages());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path sampleMessages() {
        try {
            return Path.of(
                    KalshiTestServer.class.getResource("/kalshi/messages.jsonl").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        binding.unbind().toCompletableFuture().join();
    }

    private static KeyPair generateKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writePublicKeyPem() {
        try {
            Path pem = Files.createTempFile("kalshi-test-key", ".pem");
            pem.toFile().deleteOnExit();
            Files.writeString(pem, pem("PUBLIC KEY", KEYS.getPublic().getEncoded()));
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
