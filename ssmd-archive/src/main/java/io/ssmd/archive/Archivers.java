package io.ssmd.archive;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.ArchiverSpec;
import io.ssmd.core.config.Environment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archivers of an environment, running: one {@link StreamArchiver} per archived stream. A node with the archiver role
 * starts each archiver as a cluster singleton ({@link #startInCluster}); {@link #start} runs them all here.
 *
 * <pre>{@code
 * Archivers archivers = Archivers.start(system, environment, nats, registry);
 * }</pre>
 *
 * <p>Both register with coordinated shutdown in {@code cluster-exiting-done}, after the shards have stopped and
 * before the node closes its NATS connection: consuming stops and each open segment is committed (DESIGN §2).
 */
public final class Archivers {

    private static final Logger log = LoggerFactory.getLogger(Archivers.class);

    private final List<StreamArchiver> streams;
    private final List<Uploader> uploaders;
    private final List<InventoryWriter> inventories;
    private final java.time.Duration flushTimeout;
    private CompletionStage<Done> stopped;

    private Archivers(
            List<StreamArchiver> streams,
            List<Uploader> uploaders,
            List<InventoryWriter> inventories,
            java.time.Duration flushTimeout) {
        this.streams = List.copyOf(streams);
        this.uploaders = List.copyOf(uploaders);
        this.inventories = List.copyOf(inventories);
        this.flushTimeout = flushTimeout;
    }

    /**
     * Starts every archiver of {@code environment} on this node, with the settings of {@code system}'s config and the
     * archiver metrics registered in {@code registry}. In a cluster a node calls {@link #startInCluster} instead, so
     * that each archiver runs on one node only.
     */
    public static Archivers start(
            ActorSystem<?> system, Environment environment, Connection nats, PrometheusRegistry registry) {
        return start(system, environment, nats, registry, Optional.empty(), ArchiveQuality.none());
    }

    /**
     * {@link #start(ActorSystem, Environment, Connection, PrometheusRegistry)}, writing each committed day's inventory
     * row and gaps to {@code inventory} (DESIGN §14; none written when empty) and counting quality issues per committed
     * segment into {@code quality}'s sink (docs/inventory.md).
     */
    public static Archivers start(
            ActorSystem<?> system,
            Environment environment,
            Connection nats,
            PrometheusRegistry registry,
            Optional<InventoryWriter.Target> inventory,
            ArchiveQuality quality) {
        Archivers archivers = run(
                system,
                environment,
                environment.archivers(),
                nats,
                ArchiverSettings.create(system.settings().config()),
                ArchiverMetrics.create(registry),
                inventory,
                quality);
        // After the shards have stopped and their last control events were flushed (DESIGN §2: close the venue
        // sockets, drain the publisher, then commit the open segment), before the node's NATS connection closes.
        CoordinatedShutdown.get(system)
                .addTask(CoordinatedShutdown.PhaseClusterExitingDone(), "archivers-commit", () -> archivers.stop());
        return archivers;
    }

    /**
     * Starts each archiver of {@code environment} as a cluster singleton on the nodes with the {@code archiver} role
     * (DESIGN §13): two such nodes never archive the same stream, and an archiver moves to another node when its
     * node leaves, after it has committed its open segment there. A moved archiver resumes from the manifests under
     * its archive root on the new node: a root that the nodes share (or one restored from the uploaded manifests)
     * resumes after the last committed seq; an empty one archives the stream again from its first message.
     *
     * @return whether the archivers running on this node can write their directories, for {@code /v1/health}
     */
    public static ArchiveStorage startInCluster(
            ActorSystem<?> system, Environment environment, Connection nats, PrometheusRegistry registry) {
        return startInCluster(system, environment, nats, registry, Optional.empty(), ArchiveQuality.none());
    }

    /**
     * {@link #startInCluster(ActorSystem, Environment, Connection, PrometheusRegistry)}, writing each committed day's
     * inventory row and gaps to {@code inventory} (DESIGN §14; none written when empty) and counting quality issues
     * per committed segment into {@code quality}'s sink (docs/inventory.md).
     */
    public static ArchiveStorage startInCluster(
            ActorSystem<?> system,
            Environment environment,
            Connection nats,
            PrometheusRegistry registry,
            Optional<InventoryWriter.Target> inventory,
            ArchiveQuality quality) {
        ArchiverSettings settings = ArchiverSettings.create(system.settings().config());
        ArchiverMetrics metrics = ArchiverMetrics.create(registry);
        Set<Archivers> running = ConcurrentHashMap.newKeySet();
        for (ArchiverSpec archiver : environment.archivers()) {
            ClusterSingleton.get(system)
                    .init(SingletonActor.of(
                                    ArchiverSingleton.create(
                                            environment.name(),
                                            archiver.name(),
                                            () -> run(
                                                    system,
                                                    environment,
                                                    List.of(archiver),
                                                    nats,
                                                    settings,
                                                    metrics,
                                                    inventory,
                                                    quality),
                                            running),
                                    "archiver-" + archiver.name())
                            .withStopMessage(ArchiverSingleton.Stop.INSTANCE)
                            .withSettings(
                                    ClusterSingletonSettings.create(system).withRole("archiver")));
        }
        // The singleton's stop message commits the open segment before a hand-over; when the node leaves with no
        // other archiver node to hand over to, this commits whatever still runs here, before NATS closes.
        CoordinatedShutdown.get(system)
                .addTask(CoordinatedShutdown.PhaseClusterExitingDone(), "archivers-commit", () -> {
                    CompletableFuture<?>[] stops = running.stream()
                            .map(a -> a.stop().toCompletableFuture())
                            .toArray(CompletableFuture[]::new);
                    return CompletableFuture.allOf(stops).thenApply(v -> Done.getInstance());
                });
        return metrics.storage();
    }

    /** Starts {@code archivers} here: a {@link StreamArchiver} (and an uploader, if configured) per stream. */
    static Archivers run(
            ActorSystem<?> system,
            Environment environment,
            List<ArchiverSpec> archivers,
            Connection nats,
            ArchiverSettings settings,
            ArchiverMetrics metrics,
            Optional<InventoryWriter.Target> inventory,
            ArchiveQuality quality) {
        List<StreamArchiver> running = new ArrayList<>();
        List<Uploader> uploaders = new ArrayList<>();
        List<InventoryWriter> inventories = new ArrayList<>();
        for (ArchiverSpec archiver : archivers) {
            for (ArchiveSource source : archiver.sources()) {
                // One store per stream, shared by its writer and its uploader: their manifest updates take turns.
                ManifestStore store = new ManifestStore();
                ArchiverMetrics.StreamMetrics streamMetrics = metrics.stream(source.stream());
                Path root = archiver.storage().archiveRoot();
                Path streamDir = ArchiveLayout.streamDir(root, environment.name(), source.feed(), source.stream());
                Optional<InventoryWriter> writer = inventory.map(target -> new InventoryWriter(
                        target,
                        archiver.storage(),
                        streamDir,
                        streamMetrics.inventoryFailures(),
                        system.dispatchers().lookup(DispatcherSelector.fromConfig(settings.ioDispatcher()))));
                writer.ifPresent(inventories::add);
                Consumer<CommittedFile> committed =
                        writer.<Consumer<CommittedFile>>map(w -> w::committed).orElse(file -> {});
                archiver.storage()
                        .upload()
                        .ifPresent(upload -> uploaders.add(Uploader.start(
                                system,
                                upload,
                                root,
                                ArchiveLayout.streamDir(root, environment.name(), source.feed(), source.stream()),
                                store,
                                streamMetrics,
                                settings.uploadInterval(),
                                settings.ioDispatcher())));
                running.add(StreamArchiver.start(
                        system,
                        nats,
                        environment.name(),
                        source,
                        archiver.storage(),
                        store,
                        settings,
                        streamMetrics,
                        environment.streams().stream()
                                .filter(spec -> spec.name().equals(source.stream()))
                                .findFirst(),
                        committed,
                        quality));
                log.info(
                        "archiver {}: archiving stream {} to {} ({}, {})",
                        archiver.name(),
                        source.stream(),
                        archiver.storage().archiveRoot(),
                        archiver.storage().format().id(),
                        archiver.storage().rotation());
            }
        }
        return new Archivers(running, uploaders, inventories, settings.stopTimeout());
    }

    /** The running stream archivers. */
    public List<StreamArchiver> streams() {
        return streams;
    }

    /**
     * Stops consuming everywhere and commits every open segment, then stops the uploaders (files not yet uploaded
     * are uploaded after the next start) and waits (up to {@code stop-timeout}) for the inventory rows of the last
     * commits; completes when all are done. Calling it again returns the same stop.
     */
    public synchronized CompletionStage<Done> stop() {
        if (stopped == null) {
            CompletableFuture<?>[] stops =
                    streams.stream().map(s -> s.stop().toCompletableFuture()).toArray(CompletableFuture[]::new);
            stopped = CompletableFuture.allOf(stops)
                    .thenCompose(v -> CompletableFuture.allOf(uploaders.stream()
                            .map(u -> u.stop().toCompletableFuture())
                            .toArray(CompletableFuture[]::new)))
                    // The rows of the segments committed last, before the node closes its database.
                    .thenCompose(v -> CompletableFuture.allOf(inventories.stream()
                            .map(w -> w.flushed(flushTimeout))
                            .toArray(CompletableFuture[]::new)))
                    .thenApply(v -> Done.getInstance());
        }
        return stopped;
    }
}
