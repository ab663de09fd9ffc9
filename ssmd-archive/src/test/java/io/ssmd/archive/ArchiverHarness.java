package io.ssmd.archive;

import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.StreamSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorSystem;

/** Starts and stops one stream's archiver the way {@link Archivers} does, with short backoffs for tests. */
final class ArchiverHarness {

    final String env;
    final ArchiveSource source;
    final StorageSettings storage;
    final ArchiverMetrics metrics = ArchiverMetrics.create(new PrometheusRegistry());
    final ManifestStore store = new ManifestStore();
    final List<CommittedFile> committed = new CopyOnWriteArrayList<>();
    private StreamArchiver running;
    // The stream as the environment would define it, for the archiver to create again when it is lost.
    Optional<StreamSpec> spec = Optional.empty();
    // Told of each committed file after the harness has recorded it (an inventory writer, say).
    java.util.function.Consumer<CommittedFile> onCommit = file -> {};

    ArchiverHarness(String env, String feed, String stream, Path root, StorageSettings.Format format) {
        this.env = env;
        this.source = new ArchiveSource(stream, feed);
        this.storage = new StorageSettings(root, format, Duration.ofMinutes(1));
    }

    /** Small, so that a test's small filesystem can hold an archive; the machine's disk always has more free. */
    static final long MIN_FREE_SPACE = 128 * 1024;

    static ArchiverSettings settings() {
        return new ArchiverSettings(
                500,
                Duration.ofMillis(200),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofMillis(200),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Duration.ofMillis(200),
                Duration.ofSeconds(20),
                Duration.ofMinutes(5),
                MIN_FREE_SPACE,
                ArchiverSettings.IO_DISPATCHER);
    }

    /** The directory of the stream's files. */
    Path streamDir() {
        return ArchiveLayout.streamDir(storage.archiveRoot(), env, source.feed(), source.stream());
    }

    ArchiverHarness start(ActorSystem<?> system, Connection nats) {
        running = StreamArchiver.start(
                system, nats, env, source, storage, store, settings(), metrics.stream(source.stream()), spec, file -> {
                    committed.add(file);
                    onCommit.accept(file);
                });
        return this;
    }

    /** Stops and waits until the open segment is committed. */
    void stop() {
        running.stop().toCompletableFuture().join();
    }

    ArchiverMetrics.StreamMetrics streamMetrics() {
        return metrics.stream(source.stream());
    }
}
