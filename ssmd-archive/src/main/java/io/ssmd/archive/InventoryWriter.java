package io.ssmd.archive;

import com.typesafe.config.Config;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.meta.DataInventory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one stream's {@code data_inventory} rows and {@code data_gaps} after the archiver commits a segment and its
 * manifest (DESIGN §14). Files and database cannot commit together: the manifests stay the truth, and this writer only
 * follows them. A commit marks its date directory (and the one before it, which the archiver has now moved past)
 * pending; the pending days are written on the I/O executor from their manifests as they are then, so a burst of
 * commits costs one write per day. A failed write counts {@code ssmd_archiver_inventory_write_failures} and is
 * retried with backoff; nothing here blocks or fails archiving ({@code ssmd data inventory --rebuild} recovers rows
 * from the manifests whatever happened).
 */
public final class InventoryWriter {

    private static final Logger log = LoggerFactory.getLogger(InventoryWriter.class);

    /**
     * {@code ssmd.archive.inventory} in reference.conf, read once.
     *
     * @param backoffMin the first retry after a failed write
     * @param backoffMax the longest wait between retries
     */
    public record Settings(Duration backoffMin, Duration backoffMax) {
        public static Settings create(Config config) {
            Config c = config.getConfig("ssmd.archive.inventory");
            return new Settings(c.getDuration("backoff-min"), c.getDuration("backoff-max"));
        }
    }

    /** Where a node's archivers write their inventory: the repository and the version that writes. */
    public record Target(DataInventory inventory, String processorVersion, Settings settings) {}

    private final Target target;
    private final StorageSettings storage;
    private final Path streamDir;
    private final CounterDataPoint failures;
    private final Executor io;
    private final Set<Path> pending = new ConcurrentSkipListSet<>();
    // Days written as closed by this writer: the day before a commit's is written closed once, not on every commit.
    private final Set<Path> closedWritten = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile Duration backoff;

    InventoryWriter(Target target, StorageSettings storage, Path streamDir, CounterDataPoint failures, Executor io) {
        this.target = target;
        this.storage = storage;
        this.streamDir = streamDir;
        this.failures = failures;
        this.io = io;
        this.backoff = target.settings().backoffMin();
    }

    /** Told of each committed file: its day, and the day before if not yet written closed, are written soon. */
    void committed(CommittedFile file) {
        Path dateDir = file.dateDir().toAbsolutePath().normalize();
        pending.add(dateDir);
        try {
            List<Path> dirs = manifestDirs(streamDir);
            int i = indexOf(dirs, dateDir);
            if (i > 0) {
                Path before = dirs.get(i - 1).toAbsolutePath().normalize();
                if (!closedWritten.contains(before)) {
                    pending.add(before);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("listing {} for the inventory: {}", streamDir, e.toString());
        }
        drainSoon(Duration.ZERO);
    }

    /**
     * Completes once every pending day is written, or after {@code timeout} (the database refuses): a node that stops
     * writes the row of the segment it committed last before it closes the database.
     */
    CompletableFuture<Void> flushed(Duration timeout) {
        return CompletableFuture.runAsync(
                () -> {
                    long deadline = System.nanoTime() + timeout.toNanos();
                    synchronized (this) {
                        long left;
                        while ((!pending.isEmpty() || draining.get()) && (left = deadline - System.nanoTime()) > 0) {
                            try {
                                wait(Math.max(1, left / 1_000_000));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }
                },
                io);
    }

    private void drainSoon(Duration delay) {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        Executor when =
                delay.isZero() ? io : CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, io);
        when.execute(this::drain);
    }

    private void drain() {
        boolean failed = false;
        try {
            for (Path dateDir : List.copyOf(pending)) {
                pending.remove(dateDir);
                try {
                    write(dateDir);
                } catch (IOException | RuntimeException e) {
                    pending.add(dateDir);
                    failures.inc();
                    failed = true;
                    log.warn("inventory of {} not written (retried in {}): {}", dateDir, backoff, e.toString());
                    break;
                }
            }
        } finally {
            draining.set(false);
            synchronized (this) {
                notifyAll();
            }
        }
        if (failed) {
            Duration wait = backoff;
            backoff = min(backoff.multipliedBy(2), target.settings().backoffMax());
            drainSoon(wait);
        } else {
            backoff = target.settings().backoffMin();
            if (!pending.isEmpty()) {
                drainSoon(Duration.ZERO);
            }
        }
    }

    private void write(Path dateDir) throws IOException {
        Optional<Manifest> manifest = ManifestStore.read(dateDir);
        if (manifest.isEmpty()) {
            return;
        }
        List<Path> dirs = manifestDirs(streamDir);
        int i = indexOf(dirs, dateDir);
        boolean closed = i >= 0 && i < dirs.size() - 1;
        target.inventory()
                .record(
                        InventoryDays.day(manifest.get(), storage, dateDir, closed, target.processorVersion()),
                        InventoryDays.gaps(manifest.get()),
                        Instant.now());
        if (closed) {
            closedWritten.add(dateDir);
        }
    }

    /**
     * The date directories of a stream that have a manifest, oldest first: a day is closed once a later one has one
     * (the archiver committed past it), the same rule {@link InventoryRebuild} applies.
     */
    static List<Path> manifestDirs(Path streamDir) throws IOException {
        return ManifestRebuild.dateDirs(streamDir).stream()
                .filter(d -> java.nio.file.Files.isRegularFile(d.resolve(ArchiveLayout.MANIFEST)))
                .toList();
    }

    private static int indexOf(List<Path> dirs, Path dateDir) {
        for (int i = 0; i < dirs.size(); i++) {
            if (dirs.get(i).toAbsolutePath().normalize().equals(dateDir)) {
                return i;
            }
        }
        return -1;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
