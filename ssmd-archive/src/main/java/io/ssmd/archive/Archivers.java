package io.ssmd.archive;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.ArchiverSpec;
import io.ssmd.core.config.Environment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every archiver of an environment, running: one {@link StreamArchiver} per archived stream. This is what a node with
 * the archiver role starts.
 *
 * <pre>{@code
 * Archivers archivers = Archivers.start(system, environment, nats, registry);
 * }</pre>
 *
 * <p>It registers itself with coordinated shutdown in {@code service-requests-done}, which runs before
 * {@code service-stop} (where the node closes its NATS connection): consuming stops and each open segment is
 * committed (DESIGN §2).
 */
public final class Archivers {

    private static final Logger log = LoggerFactory.getLogger(Archivers.class);

    private final List<StreamArchiver> streams;
    private final List<Uploader> uploaders;

    private Archivers(List<StreamArchiver> streams, List<Uploader> uploaders) {
        this.streams = List.copyOf(streams);
        this.uploaders = List.copyOf(uploaders);
    }

    /**
     * Starts every archiver of {@code environment}, with the settings of {@code system}'s config and the archiver
     * metrics registered in {@code registry}.
     */
    public static Archivers start(
            ActorSystem<?> system, Environment environment, Connection nats, PrometheusRegistry registry) {
        ArchiverSettings settings = ArchiverSettings.create(system.settings().config());
        ArchiverMetrics metrics = ArchiverMetrics.create(registry);
        List<StreamArchiver> running = new ArrayList<>();
        List<Uploader> uploaders = new ArrayList<>();
        for (ArchiverSpec archiver : environment.archivers()) {
            for (ArchiveSource source : archiver.sources()) {
                // One store per stream, shared by its writer and its uploader: their manifest updates take turns.
                ManifestStore store = new ManifestStore();
                ArchiverMetrics.StreamMetrics streamMetrics = metrics.stream(source.stream());
                Path root = archiver.storage().archiveRoot();
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
                        committed -> {}));
                log.info(
                        "archiver {}: archiving stream {} to {} ({}, {})",
                        archiver.name(),
                        source.stream(),
                        archiver.storage().archiveRoot(),
                        archiver.storage().format().id(),
                        archiver.storage().rotation());
            }
        }
        Archivers archivers = new Archivers(running, uploaders);
        // After the shards have stopped and their last control events were flushed (DESIGN §2: close the venue
        // sockets, drain the publisher, then commit the open segment), before the node's NATS connection closes.
        CoordinatedShutdown.get(system)
                .addTask(CoordinatedShutdown.PhaseClusterExitingDone(), "archivers-commit", () -> archivers.stop());
        return archivers;
    }

    /** The running stream archivers. */
    public List<StreamArchiver> streams() {
        return streams;
    }

    /**
     * Stops consuming everywhere and commits every open segment, then stops the uploaders (files not yet uploaded
     * are uploaded after the next start); completes when all are done.
     */
    public CompletionStage<Done> stop() {
        CompletableFuture<?>[] stops =
                streams.stream().map(s -> s.stop().toCompletableFuture()).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(stops)
                .thenCompose(v -> CompletableFuture.allOf(uploaders.stream()
                        .map(u -> u.stop().toCompletableFuture())
                        .toArray(CompletableFuture[]::new)))
                .thenApply(v -> Done.getInstance());
    }
}
