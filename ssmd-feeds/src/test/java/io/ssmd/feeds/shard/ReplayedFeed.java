package io.ssmd.feeds.shard;

import io.nats.client.Connection;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/** A feed under test: a venue's replay server, an environment pointing at it, and a shard rig running it. */
public final class ReplayedFeed implements AutoCloseable {

    private final ServerBinding binding;
    private final ReplayServer server;
    private final Environment environment;
    private final ShardRig rig;

    private ReplayedFeed(ServerBinding binding, ReplayServer server, Environment environment, ShardRig rig) {
        this.binding = binding;
        this.server = server;
        this.environment = environment;
        this.rig = rig;
    }

    /**
     * Starts a synthetic replay server of {@code venue} in {@code system} and a shard rig for the feed, whose feed
     * file is the shipped one with {@code replacements} applied.
     */
    public static ReplayedFeed start(
            ActorSystem<?> system,
            Connection nats,
            Path dir,
            String venue,
            int rate,
            long seed,
            List<String> instruments,
            Map<String, String> replacements,
            Function<EnabledFeed, VenueConnector> connector) {
        return start(system, nats, dir, venue, rate, seed, instruments, replacements, "", connector);
    }

    /**
     * Like the other {@code start}, with {@code environmentYaml} (top-level sections, e.g. {@code transport:}) added to
     * the environment file.
     */
    public static ReplayedFeed start(
            ActorSystem<?> system,
            Connection nats,
            Path dir,
            String venue,
            int rate,
            long seed,
            List<String> instruments,
            Map<String, String> replacements,
            String environmentYaml,
            Function<EnabledFeed, VenueConnector> connector) {
        return start(
                system,
                nats,
                dir,
                venue,
                rate,
                seed,
                instruments,
                replacements,
                environmentYaml,
                io.ssmd.core.shard.ShardRuntime.DEFAULT_BOOK_SNAPSHOT_INTERVAL,
                connector);
    }

    /** Like the other {@code start}, with shards that publish ssmd book snapshots every {@code bookSnapshotInterval}. */
    public static ReplayedFeed start(
            ActorSystem<?> system,
            Connection nats,
            Path dir,
            String venue,
            int rate,
            long seed,
            List<String> instruments,
            Map<String, String> replacements,
            String environmentYaml,
            java.time.Duration bookSnapshotInterval,
            Function<EnabledFeed, VenueConnector> connector) {
        ReplaySettings settings = ReplaySettings.synthetic(venue, 0, rate, seed);
        VenueServer venueServer = Venues.byId(settings.venue()).replayServer(settings);
        ReplayServer server = ReplayServer.create(system, venueServer, settings, new Faults());
        ServerBinding binding = server.bind().toCompletableFuture().join();
        Environment environment = TestFeeds.environment(
                dir,
                NatsServerExtension.freshName("e").toLowerCase(),
                venue,
                "ws://127.0.0.1:" + binding.localAddress().getPort() + venueServer.websocketPath(),
                instruments,
                replacements);
        if (!environmentYaml.isEmpty()) {
            try {
                Files.writeString(environment.file(), environmentYaml, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            environment = EnvironmentLoader.load(environment.file(), Map.of());
        }
        return new ReplayedFeed(
                binding, server, environment, ShardRig.start(nats, environment, connector, bookSnapshotInterval));
    }

    public Faults faults() {
        return server.faults();
    }

    public Environment environment() {
        return environment;
    }

    public ShardRig rig() {
        return rig;
    }

    @Override
    public void close() {
        rig.close();
        binding.unbind().toCompletableFuture().join();
    }
}
