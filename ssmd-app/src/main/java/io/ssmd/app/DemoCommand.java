package io.ssmd.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.ssmd.core.Secrets;
import io.ssmd.core.config.ConfigException;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import io.ssmd.node.DemoLayout;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ssmd demo}: a replay server per venue (synthetic, modest rate) and a node whose environment points every
 * feed at them. Nothing leaves the machine. Ctrl-C stops it all.
 */
@Command(
        name = "demo",
        description = "Run a replay server per venue (synthetic data, ports 9101-9104) and an ssmd"
                + " node whose feeds point at them; prints the URLs. Needs no internet.")
final class DemoCommand implements Callable<Integer> {

    /** The demo ports of DESIGN §3, in the order of {@link Venues#ids()}. */
    static final int FIRST_PORT = 9101;

    @Option(
            names = "--data-dir",
            defaultValue = "./data/demo",
            description = "The demo's state (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(
            names = "--rate",
            defaultValue = "20",
            description = "Synthetic frames per second per connection" + " (default: ${DEFAULT-VALUE})")
    int rate;

    @Override
    public Integer call() {
        Map<String, String> env = new HashMap<>(System.getenv());
        Config config;
        NodeSettings settings;
        try {
            config = NodeConfig.load(Optional.empty(), env)
                    .withValue("ssmd.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString()));
            settings = NodeSettings.create(config, env);
        } catch (NodeConfig.InvalidNodeConfigException e) {
            System.err.println("ssmd demo: " + e.getMessage());
            return 1;
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd", NodeConfig.forNode(config));
        try {
            DemoLayout layout = DemoLayout.create(settings.dataDir(), FIRST_PORT);
            env.putAll(layout.kalshiCredentials());
            PrintStream out = System.out;
            out.println("ssmd demo: replay servers");
            for (String venue : Venues.ids()) {
                startReplayServer(system, venue, layout, out);
            }
            Environment environment = EnvironmentLoader.load(layout.environmentFile(), env);
            Ssmd node = Ssmd.start(system, settings.withEnvironmentFile(layout.environmentFile()), environment);
            out.println("ssmd demo: node");
            out.println("  dashboard  http://127.0.0.1:" + node.httpAddress().getPort() + "/");
            out.println("  health     http://127.0.0.1:" + node.httpAddress().getPort() + "/v1/health");
            out.println("  metrics    http://127.0.0.1:" + node.httpAddress().getPort() + "/metrics");
            out.println("  nats       " + Secrets.redactUrl(node.natsUrl()));
            out.println("  environment " + layout.environmentFile());
            out.println("Ctrl-C stops everything.");
        } catch (ConfigException | IOException | UncheckedIOException | IllegalStateException e) {
            System.err.println("ssmd demo: " + e.getMessage());
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            return 1;
        }
        system.getWhenTerminated().toCompletableFuture().join();
        return 0;
    }

    private void startReplayServer(ActorSystem<?> system, String venue, DemoLayout layout, PrintStream out) {
        ReplaySettings settings = new ReplaySettings(
                venue,
                "127.0.0.1",
                layout.port(venue),
                Optional.empty(),
                1.0,
                rate,
                java.util.List.of(),
                1,
                false,
                Optional.empty(),
                venue.equals("kalshi") ? Optional.of(layout.kalshiPublicKey()) : Optional.empty(),
                Duration.ofSeconds(30),
                java.util.OptionalInt.empty());
        VenueServer server = Venues.byId(settings.venue()).replayServer(settings);
        ServerBinding binding = ReplayServer.create(system, server, settings, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
        binding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
        ReplayServerCommand.printUrls(
                out, server, "127.0.0.1", binding.localAddress().getPort());
    }
}
