package io.ssmd.app;

import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.kalshi.replay.KalshiReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.http.gateway.ApiKeys;
import io.ssmd.node.DemoLayout;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What {@code ssmd demo} runs, for tests: a synthetic replay server per venue and a node on the demo environment,
 * with these differences: every port is a free one (tests run beside a demo); Kalshi lists the replay server's
 * markets instead of discovering them, because this build runs Kalshi only with listed markets; segments rotate every
 * minute; each run has its own environment name; NATS is the test's server.
 */
final class DemoRun implements AutoCloseable {

    private static final String KALSHI_DISCOVERY = """
              kalshi:
                enabled: true
                discovery:
                  max-instruments: 50
            """;

    private static final AtomicInteger RUNS = new AtomicInteger();

    final ActorSystem<Void> system;
    final Environment environment;
    final Ssmd node;
    final Map<String, Faults> faults;

    private DemoRun(ActorSystem<Void> system, Environment environment, Ssmd node, Map<String, Faults> faults) {
        this.system = system;
        this.environment = environment;
        this.node = node;
        this.faults = faults;
    }

    /** Starts it all in {@code dir}; {@code rate} is synthetic frames per second per connection. */
    static DemoRun start(Path dir, String natsUrl, int rate) throws IOException {
        return start(dir, natsUrl, rate, Optional.empty());
    }

    /** As {@link #start(Path, String, int)}, with the gateway accepting only {@code apiKey} when one is given. */
    static DemoRun start(Path dir, String natsUrl, int rate, Optional<String> apiKey) throws IOException {
        DemoLayout layout = DemoLayout.createFrom(
                ShippedExchanges.projectDir().resolve("exchanges/feeds"), dir.resolve("demo"), DemoCommand.FIRST_PORT);
        ActorSystem<Void> system = TestNodeSettings.system("ssmd-demo-test");
        try {
            Map<String, Faults> faults = new LinkedHashMap<>();
            for (String venue : Venues.ids()) {
                faults.put(venue, startReplayServer(system, layout, venue, rate));
            }
            // The shortest rotation: a gap reaches the manifest (and /v1/gaps) when its segment commits.
            ShippedExchanges.edit(layout.environmentFile(), "storage:\n", "storage:\n  rotation: 1m\n");
            // A fresh environment name per run: its streams are new even on a nats-server shared by a test class.
            ShippedExchanges.edit(
                    layout.environmentFile(), "name: demo\n", "name: demo" + RUNS.incrementAndGet() + "\n");
            String listed = KalshiReplayServer.defaultInstruments().stream()
                    .map(t -> "\"" + t + "\"")
                    .collect(Collectors.joining(", ", "[", "]"));
            ShippedExchanges.edit(layout.environmentFile(), KALSHI_DISCOVERY, """
                      kalshi:
                        enabled: true
                        instruments: %s
                    """.formatted(listed));
            if (apiKey.isPresent()) {
                Path keys = Files.writeString(dir.resolve("api-keys"), ApiKeys.hash(apiKey.get()) + "\n");
                ShippedExchanges.edit(
                        layout.environmentFile(),
                        "gateway:\n  enabled: true\n",
                        "gateway:\n  enabled: true\n  api-keys-file: " + keys.toAbsolutePath() + "\n");
            }
            Environment environment = EnvironmentLoader.load(layout.environmentFile(), layout.kalshiCredentials());
            Ssmd node = Ssmd.start(system, settings(dir, natsUrl, layout.environmentFile()), environment);
            return new DemoRun(system, environment, node, faults);
        } catch (IOException | RuntimeException e) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            throw e;
        }
    }

    /** Binds the venue's replay server on a free port and points the demo's feed file at it. */
    private static Faults startReplayServer(ActorSystem<?> system, DemoLayout layout, String venue, int rate)
            throws IOException {
        ReplaySettings settings = new ReplaySettings(
                venue,
                "127.0.0.1",
                0,
                Optional.empty(),
                1.0,
                rate,
                List.of(),
                1,
                false,
                Optional.empty(),
                venue.equals("kalshi") ? Optional.of(layout.kalshiPublicKey()) : Optional.empty(),
                Duration.ofSeconds(30),
                java.util.OptionalInt.empty());
        Faults faults = new Faults();
        int port = ReplayServer.create(system, Venues.byId(settings.venue()).replayServer(settings), settings, faults)
                .bind()
                .toCompletableFuture()
                .join()
                .localAddress()
                .getPort();
        Path feedFile = layout.dir().resolve("exchanges/feeds").resolve(venue + ".yaml");
        Files.writeString(feedFile, DemoLayout.local(Files.readString(feedFile), port));
        return faults;
    }

    private static NodeSettings settings(Path dir, String natsUrl, Path environmentFile) {
        return TestNodeSettings.of("test-node", dir, Optional.of(natsUrl), environmentFile);
    }

    /** The node's URL for {@code path}. */
    String url(String path) {
        return "http://127.0.0.1:" + node.httpAddress().getPort() + path;
    }

    @Override
    public void close() {
        node.shutdown();
    }
}
