package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.ssmd.archive.ArchiveVerifier;
import io.ssmd.archive.Gap;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.nats.FailureRangeLimits;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * NATS stopped for longer than the silence timeout while a node archives the Kraken replay server at a steady rate:
 * the venue socket is kept (one connection at the replay server), the messages that could not be stored are one
 * {@code publish_failed} gap for the shard with their count, and the archive accounts for every data message the
 * replay server sent: archived plus counted in {@code publish_failed} gaps, as {@code ssmd archive verify} reports.
 */
class NatsOutageNodeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorSystem<Void> SERVERS = ActorSystem.create(Behaviors.empty(), "kraken-venue");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    /** What the archive records a Kraken data entry as. */
    private static final Set<String> DATA_TYPES = Set.of("orderbook", "trade", "ticker");

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
    void aNatsOutageUnderLoadIsOneCountedGapAndTheArchiveAccountsForEveryMessageSent() throws Exception {
        ReplaySettings replay = ReplaySettings.synthetic("kraken", 0, 100, 21);
        VenueServer krakenServer = Venues.byId("kraken").replayServer(replay);
        ReplayServer venue = ReplayServer.create(SERVERS, krakenServer, replay, new Faults());
        // Each data entry the venue sends (book, trade, ticker) is one message in ssmd.
        AtomicLong sent = new AtomicLong();
        venue.onSent(frame -> sent.addAndGet(dataEntries(frame)));
        binding = venue.bind().toCompletableFuture().join();
        int port = binding.localAddress().getPort();
        String envName = NatsServerExtension.freshName("out").toLowerCase();
        Path env = environment(envName, port, krakenServer.websocketPath());
        system = TestNodeSettings.system("ssmd");
        NodeSettings base = TestNodeSettings.of("test-node", dir, Optional.of(NATS.url()), Path.of("unused"));
        NodeSettings.ConnectorSettings d = NodeSettings.ConnectorSettings.defaults();
        // A range longer than the outage: it closes when publishes are acked again, whenever NATS is back.
        NodeSettings settings = new NodeSettings(
                base.nodeName(),
                base.dataDir(),
                base.environmentFile(),
                base.nats(),
                base.db(),
                base.http(),
                new NodeSettings.ConnectorSettings(
                        d.fillRatio(),
                        d.healthInterval(),
                        d.aliveInterval(),
                        d.reassignInterval(),
                        d.rediscoverInterval(),
                        d.backpressureGapAfter(),
                        d.bookSnapshotInterval(),
                        new FailureRangeLimits(Duration.ofMinutes(2), 10_000, 100)));
        Ssmd node = Ssmd.start(system, settings, EnvironmentLoader.load(env, Map.of()));
        await().atMost(WAIT).until(() -> acked(node) > 300);

        NATS.stop();
        // Longer than the silence timeout (2 s): the socket stays, never a second connection.
        await().pollInterval(Duration.ofMillis(250))
                .during(OUTAGE)
                .atMost(OUTAGE.plusSeconds(5))
                .until(() -> venue.totalSessions() == 1 && venue.openSessions() == 1);
        NATS.start();
        double failedInOutage = failed(node);
        long ackedAfter = acked(node);
        await().atMost(WAIT).until(() -> acked(node) > ackedAfter + 300);
        assertThat(venue.totalSessions()).as("connections at the replay server").isEqualTo(1);

        // The venue falls silent; once the node has the outcome of everything it read, stop it (commits the archive).
        venue.faults().stalled(true);
        await().atMost(WAIT).until(() -> settled(node));
        long sentTotal = sent.get();
        node.shutdown();
        system = null;

        Path root = dir.resolve("archive");
        ArchiveVerifier.Report report = ArchiveVerifier.verify(root);
        assertThat(report.problems()).isEmpty();
        ArchiveVerifier.StreamSummary stream = report.streams().stream()
                .filter(s -> s.streamDir().endsWith(envName.toUpperCase() + "_KRAKEN"))
                .findFirst()
                .orElseThrow();
        long archivedData = stream.recordsByType().entrySet().stream()
                .filter(e -> DATA_TYPES.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum();
        List<Gap> failedGaps = gaps(stream.streamDir(), Gap.PUBLISH_FAILED);
        System.out.printf(
                "NATS outage of %s: the venue sent %d data messages, %d archived, %d in publish_failed gaps %s%n",
                OUTAGE, sentTotal, archivedData, stream.failedMessages(), failedGaps);
        assertThat(failedInOutage).as("messages failed while NATS was away").isPositive();
        assertThat(failedGaps)
                .as("one publish_failed gap for the shard")
                .singleElement()
                .satisfies(g -> {
                    assertThat(g.shard()).isEqualTo("kraken-0");
                    assertThat(g.messages()).isEqualTo((long) failed(node));
                });
        assertThat(stream.failedMessages()).isEqualTo((long) failed(node));
        // Every message the venue sent is archived or counted in the gap. A message the server stored just before it
        // stopped, whose PubAck never came back, is both (publish_failed means "not confirmed stored"): at most what
        // was in flight then, the publisher's window (16 here, below).
        assertThat(archivedData).as("archived").isLessThanOrEqualTo(sentTotal);
        assertThat(archivedData + stream.failedMessages())
                .as("archived " + archivedData + " + failed " + stream.failedMessages() + " against sent by the venue")
                .isBetween(sentTotal, sentTotal + 16);
    }

    private long lastSettled = -1;
    private long settledSince;

    /** True once the node's count of outcomes has not moved for two seconds. */
    private boolean settled(Ssmd node) {
        long now = System.nanoTime();
        long outcomes = acked(node) + (long) failed(node);
        if (outcomes != lastSettled) {
            lastSettled = outcomes;
            settledSince = now;
            return false;
        }
        return now - settledSince > Duration.ofSeconds(2).toNanos();
    }

    private static long dataEntries(String frame) {
        try {
            JsonNode json = JSON.readTree(frame);
            String channel = json.path("channel").asText();
            boolean data = channel.equals("book") || channel.equals("trade") || channel.equals("ticker");
            return data && json.path("data").isArray() ? json.path("data").size() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Gap> gaps(Path streamDir, String type) throws IOException {
        List<Gap> found = new ArrayList<>();
        try (Stream<Path> days = Files.list(streamDir)) {
            for (Path day : days.sorted().toList()) {
                ManifestStore.read(day).map(Manifest::gaps).orElse(List.of()).stream()
                        .filter(g -> g.type().equals(type))
                        .forEach(found::add);
            }
        }
        return found;
    }

    /** Messages JetStream acked, as the node counted them (each ack is one observation of the publish latency). */
    private static long acked(Ssmd node) {
        return node.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_connector_publish_seconds"))
                .flatMap(m -> ((HistogramSnapshot) m).getDataPoints().stream())
                .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount)
                .sum();
    }

    private static double failed(Ssmd node) {
        return node.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("ssmd_connector_publish_failed"))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }

    /** The shipped Kraken feed file aimed at the replay server, and an environment archiving it alone. */
    private Path environment(String name, int port, String websocketPath) throws IOException {
        Path feeds = Files.createDirectories(dir.resolve("exchanges/feeds"));
        String feed = Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml"))
                .replace("wss://ws.kraken.com/v2", "ws://127.0.0.1:" + port + websocketPath)
                .replace("https://api.kraken.com/0/public", "http://127.0.0.1:" + port + "/0/public")
                .replace("silence-timeout: 10s", "silence-timeout: 2s")
                .replace("min-backoff: 1s", "min-backoff: 100ms")
                .replace("max-backoff: 60s", "max-backoff: 1s");
        Files.writeString(feeds.resolve("kraken.yaml"), feed);
        Path env =
                Files.createDirectories(dir.resolve("exchanges/environments")).resolve("outage.yaml");
        // Two short attempts per message: what the shard reads while NATS is away fails within a second.
        Files.writeString(env, """
                name: %s
                feeds-dir: ../feeds
                feeds:
                  kraken:
                    enabled: true
                    instruments: [BTC/USD]
                transport:
                  publish:
                    window: 16
                    max-attempts: 2
                    retry-backoff: 100ms
                    ack-timeout: 500ms
                streams:
                  defaults:
                    max-bytes: 256MiB
                    max-age: 1h
                    duplicate-window: 2m
                storage:
                  archive-root: %s
                  format: gzip
                  rotation: 1m
                archivers:
                  - name: main
                    streams: all
                gateway:
                  enabled: false
                """.formatted(name, dir.resolve("archive")));
        return env;
    }
}
