package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.OrderBook;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.subject.Venue;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.kraken.replay.KrakenReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.http.gateway.Gateway;
import io.ssmd.node.DemoLayout;
import io.ssmd.node.Ssmd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node (connector, archiver, gateway) against the Kraken replay server: the first message of a book
 * subscription equals the book rebuilt from the archive files of the same stream, up to the stream sequence the
 * message says it reflects, with the Kraken normalizer and {@link OrderBook}.
 */
class GatewayArchiveBookTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aBookSubscriptionStartsWithTheBookTheArchiveRebuilds() throws Exception {
        ActorSystem<Void> replaySystem = ActorSystem.create(Behaviors.empty(), "replay");
        ActorSystem<Void> system = TestNodeSettings.system("ssmd-gateway-test");
        try {
            ReplaySettings replay = ReplaySettings.synthetic("kraken", 0, 400, 11);
            Faults faults = new Faults();
            ServerBinding venue = ReplayServer.create(replaySystem, KrakenReplayServer.create(replay), replay, faults)
                    .bind()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            Environment environment = environment(venue.localAddress().getPort());
            Ssmd node = Ssmd.start(system, settings(), environment);
            Gateway gateway = node.gateway().orElseThrow();
            gateway.warmedUp().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> gateway.streamPosition("kraken") > 500
                            && gateway.core()
                                    .market("kraken", "BTC/USD")
                                    .flatMap(m -> m.book())
                                    .isPresent());

            JsonNode first = firstBookMessage(node);
            long seq = first.path("seq").asLong();
            assertThat(first.path("snapshot").asBoolean()).isTrue();
            assertThat(seq).isPositive();

            // Stop the venue's flow, let the archiver catch up, and have the shutdown commit its open segment.
            faults.stalled(true);
            await().atMost(Duration.ofSeconds(60)).until(() -> archiverLag(node) == 0);
            node.shutdown();

            OrderBook rebuilt = rebuildFromArchive(
                    dir.resolve("archive"),
                    "BTC/USD",
                    seq,
                    environment
                            .feed("kraken")
                            .orElseThrow()
                            .definition()
                            .book()
                            .orElseThrow()
                            .depth());
            BookSnapshot expected = rebuilt.snapshot("kraken", "BTC/USD", 0);
            assertThat(levels(first.path("bids"))).hasSize(10).isEqualTo(text(expected.bids()));
            assertThat(levels(first.path("asks"))).hasSize(10).isEqualTo(text(expected.asks()));
            venue.unbind();
        } finally {
            system.terminate();
            replaySystem.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    /** Subscribes to BTC/USD's book over a real WebSocket and returns the first book message. */
    private static JsonNode firstBookMessage(Ssmd node) throws Exception {
        CompletableFuture<JsonNode> first = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + node.httpAddress().getPort() + "/v1/stream"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                partial.append(data);
                                if (last) {
                                    try {
                                        JsonNode message = JSON.readTree(partial.toString());
                                        if (message.path("type").asText().equals("orderbook")) {
                                            first.complete(message);
                                        }
                                    } catch (IOException e) {
                                        first.completeExceptionally(e);
                                    }
                                    partial.setLength(0);
                                }
                                webSocket.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("{\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\"],\"types\":[\"orderbook\"]}", true);
        JsonNode message = first.get(30, TimeUnit.SECONDS);
        socket.abort();
        return message;
    }

    /** The gateway's book-keeping, replayed from archive lines with stream sequence up to {@code untilSeq}. */
    private static OrderBook rebuildFromArchive(Path root, String instrument, long untilSeq, int depth)
            throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".jsonl.gz")).toList()) {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        lines.add(JSON.readTree(line));
                        raw.add(line);
                    }
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> lines.get(i).path("seq").asLong()));
        assertThat(lines.get(order.get(order.size() - 1)).path("seq").asLong())
                .as("the archive holds the stream up to the book's sequence")
                .isGreaterThanOrEqualTo(untilSeq);

        // The gateway's rule (docs/gateway.md, Books): a snapshot replaces the book, deltas change it, and a resync
        // or disconnect that happened after the book's snapshot arrived drops it.
        OrderBook book = null;
        long bookSince = 0;
        for (int i : order) {
            JsonNode line = lines.get(i);
            if (line.path("seq").asLong() > untilSeq) {
                break;
            }
            String[] subject = line.path("subject").asText().split("\\.");
            if (subject[2].equals("control")
                    && (subject[3].equals(ControlEvent.RESYNC) || subject[3].equals(ControlEvent.DISCONNECTED))
                    && line.path("data").path("ts").asLong() >= bookSince) {
                book = null;
            }
            if (!subject[2].equals("json") || !subject[4].equals("BTC-USD")) {
                continue;
            }
            // The frame's own bytes: "data" is the last field of a line and holds the venue frame verbatim.
            String text = raw.get(i);
            byte[] frame = text.substring(text.indexOf(",\"data\":") + 8, text.length() - 1)
                    .getBytes(StandardCharsets.UTF_8);
            for (MarketEvent event : Venues.of(Venue.KRAKEN).normalizer().normalize("kraken", subject[3], frame)) {
                if (!event.instrument().equals(instrument)) {
                    continue;
                }
                if (event instanceof BookSnapshot snapshot) {
                    book = OrderBook.withDepth(depth);
                    book.apply(snapshot);
                    bookSince = line.path("ts").asLong();
                } else if (event instanceof BookDelta delta && book != null) {
                    book.apply(delta);
                }
            }
        }
        assertThat(book).as("a book for " + instrument + " in the archive").isNotNull();
        return book;
    }

    private static long archiverLag(Ssmd node) {
        return (long) node.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_archiver_lag_messages"))
                .flatMap(m -> ((GaugeSnapshot) m).getDataPoints().stream())
                .mapToDouble(GaugeSnapshot.GaugeDataPointSnapshot::getValue)
                .max()
                .orElse(-1);
    }

    private static List<String> levels(JsonNode side) {
        List<String> levels = new ArrayList<>();
        side.forEach(
                level -> levels.add(level.get(0).asText() + " " + level.get(1).asText()));
        return levels;
    }

    private static List<String> text(List<Level> levels) {
        return levels.stream()
                .map(l -> l.price().toPlainString() + " " + l.size().toPlainString())
                .toList();
    }

    private Environment environment(int venuePort) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                DemoLayout.local(
                        Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml")),
                        venuePort));
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("gwtest.yaml");
        Files.writeString(env, """
                name: gwtest
                feeds:
                  kraken:
                    enabled: true
                    instruments: [BTC/USD, ETH/USD]
                storage:
                  archive-root: %s
                archivers:
                  - name: main
                    streams: all
                gateway:
                  enabled: true
                """.formatted(dir.resolve("archive")));
        return EnvironmentLoader.load(env, Map.of());
    }

    private NodeSettings settings() {
        return TestNodeSettings.of("gateway-test-node", dir, Optional.of(NATS.url()), Path.of("unused"));
    }
}
