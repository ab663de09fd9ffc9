package io.ssmd.archive;

import io.ssmd.core.Backoff;
import io.ssmd.core.config.UploadSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.connectors.s3.ObjectMetadata;
import org.apache.pekko.stream.connectors.s3.S3Headers;
import org.apache.pekko.stream.connectors.s3.javadsl.S3;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one stream's committed files to S3-compatible storage (DESIGN §6). Keys mirror the local layout. Segments
 * are small, so each is one PUT; the object is then read back with HEAD and counts as uploaded only when its size
 * and ETag (the MD5 of a single-part upload, on S3, MinIO and GCS alike) equal those of the bytes sent, and those
 * are still the bytes the manifest lists (a reopened window may have replaced the file meanwhile). Only then does
 * the manifest mark it uploaded, and only after that may local retention delete it.
 *
 * <p>Failures are retried with exponential backoff; nothing is lost while the files wait on local disk.
 */
public final class Uploader {

    private static final Logger log = LoggerFactory.getLogger(Uploader.class);

    private final ActorSystem<?> system;
    private final UploadSettings upload;
    private final Attributes s3;
    private final Path archiveRoot;
    private final Path streamDir;
    private final ManifestStore store;
    private final ArchiverMetrics.StreamMetrics metrics;
    private final Executor io;
    private final UniqueKillSwitch killSwitch;
    private final CompletionStage<Done> done;
    private final Backoff backoff;
    private int failures;
    private long notBefore;

    private Uploader(
            ActorSystem<?> system,
            UploadSettings upload,
            Path archiveRoot,
            Path streamDir,
            ManifestStore store,
            ArchiverMetrics.StreamMetrics metrics,
            Duration interval,
            String ioDispatcher) {
        this.system = system;
        this.upload = upload;
        this.s3 = S3Target.attributes(system, upload);
        this.archiveRoot = archiveRoot;
        this.streamDir = streamDir;
        this.store = store;
        this.metrics = metrics;
        this.io = system.dispatchers().lookup(DispatcherSelector.fromConfig(ioDispatcher));
        this.backoff = new Backoff(upload.minBackoff(), upload.maxBackoff(), 0);
        // One pass at a time: mapAsync(1) holds the next tick back until the current pass has finished.
        Pair<UniqueKillSwitch, CompletionStage<Done>> running = Source.tick(Duration.ZERO, interval, Done.getInstance())
                .mapMaterializedValue(Cancellable.class::cast)
                .viaMat(KillSwitches.single(), Keep.right())
                .mapAsync(1, tick -> pass())
                .toMat(Sink.ignore(), Keep.both())
                .run(system);
        this.killSwitch = running.first();
        this.done = running.second();
    }

    /** Starts uploading the files under {@code streamDir}, checking for new ones every {@code interval}. */
    public static Uploader start(
            ActorSystem<?> system,
            UploadSettings upload,
            Path archiveRoot,
            Path streamDir,
            ManifestStore store,
            ArchiverMetrics.StreamMetrics metrics,
            Duration interval,
            String ioDispatcher) {
        return new Uploader(system, upload, archiveRoot, streamDir, store, metrics, interval, ioDispatcher);
    }

    /** Stops after the upload in progress, if any; what is left is uploaded after the next start. */
    public CompletionStage<Done> stop() {
        killSwitch.shutdown();
        return done;
    }

    /** One pass: every pending file in order, stopping at the first failure, then local retention. */
    private CompletionStage<Done> pass() {
        if (System.nanoTime() < notBefore) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        return CompletableFuture.supplyAsync(this::pending, io)
                .thenCompose(pending -> {
                    metrics.uploadPending().set(pending.size());
                    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
                    for (Pending p : pending) {
                        chain = chain.thenCompose(d -> uploadOne(p));
                    }
                    return chain;
                })
                .thenApplyAsync(
                        d -> {
                            applyRetention();
                            failures = 0;
                            return d;
                        },
                        io)
                .exceptionally(e -> {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    metrics.uploadFailures().inc();
                    Duration delay = backoff.delay(failures++);
                    log.warn("upload from {} failed, retrying in {}: {}", streamDir, delay, cause.toString());
                    notBefore = System.nanoTime() + delay.toNanos();
                    return Done.getInstance();
                });
    }

    private record Pending(Path dateDir, FileEntry entry) {
        Path file() {
            return dateDir.resolve(entry.name());
        }
    }

    private List<Pending> pending() {
        try {
            List<Pending> pending = new ArrayList<>();
            for (Path dateDir : ManifestRebuild.dateDirs(streamDir)) {
                Optional<Manifest> manifest = ManifestStore.read(dateDir);
                manifest.ifPresent(m -> m.files().stream()
                        .filter(f -> !f.uploaded())
                        .filter(f -> Files.isRegularFile(dateDir.resolve(f.name())))
                        .forEach(f -> pending.add(new Pending(dateDir, f))));
            }
            return pending;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletionStage<Done> uploadOne(Pending pending) {
        String key = upload.key(ArchiveLayout.relative(archiveRoot, pending.file()));
        long size;
        String md5;
        try {
            // Hashed before sending: the connector reads the body twice (for the v4 signature, then to send it).
            // Should a reopened window replace the file in between, the object will not verify and waits a retry.
            size = Files.size(pending.file());
            md5 = ManifestRebuild.md5(pending.file());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return S3.putObject(
                        upload.bucket(),
                        key,
                        FileIO.fromPath(pending.file()),
                        size,
                        ContentTypes.APPLICATION_OCTET_STREAM,
                        S3Headers.empty())
                .withAttributes(s3)
                .runWith(Sink.head(), system)
                .thenCompose(put -> S3.getObjectMetadata(upload.bucket(), key)
                        .withAttributes(s3)
                        .runWith(Sink.head(), system))
                .thenApplyAsync(
                        head -> {
                            verify(key, head, size, md5);
                            markUploaded(pending, md5);
                            return Done.getInstance();
                        },
                        io);
    }

    private static void verify(String key, Optional<ObjectMetadata> head, long bytes, String md5) {
        if (head.isEmpty()) {
            throw new IllegalStateException(key + " is not in the bucket after its PUT");
        }
        long length = head.get().getContentLength();
        String etag = head.get()
                .getETag()
                .map(e -> e.replace("\"", "").toLowerCase(Locale.ROOT))
                .orElse("");
        if (length != bytes || !etag.equals(md5)) {
            throw new IllegalStateException(key + " does not verify: " + length + " bytes with ETag " + etag + ", sent "
                    + bytes + " bytes with MD5 " + md5);
        }
    }

    private void markUploaded(Pending pending, String md5) {
        try {
            Manifest after = store.updateExisting(
                    pending.dateDir(),
                    m -> m.file(pending.entry().name())
                            .filter(f -> md5.equals(f.md5()))
                            .map(f -> m.withUploaded(f.name(), true))
                            .orElse(m));
            if (after.file(pending.entry().name()).map(FileEntry::uploaded).orElse(false)) {
                metrics.uploads().inc();
                log.debug("uploaded {}", pending.file());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes local files uploaded and verified whose window ended more than {@code keep-local} ago. */
    private void applyRetention() {
        if (upload.keepLocal().isEmpty()) {
            return;
        }
        long horizon =
                System.currentTimeMillis() * 1000 - upload.keepLocal().get().toNanos() / 1000;
        try {
            for (Path dateDir : ManifestRebuild.dateDirs(streamDir)) {
                LocalDate date = LocalDate.parse(dateDir.getFileName().toString());
                for (FileEntry entry :
                        ManifestStore.read(dateDir).map(Manifest::files).orElse(List.of())) {
                    Path file = dateDir.resolve(entry.name());
                    Optional<Long> window = ArchiveLayout.windowOf(date, entry.name());
                    if (entry.uploaded()
                            && window.isPresent()
                            && entry.end() < horizon
                            && window.get() < horizon
                            && Files.deleteIfExists(file)) {
                        log.info("deleted {}: uploaded and verified, older than keep-local", file);
                    }
                }
            }
        } catch (IOException e) {
            log.warn("local retention in {} failed: {}", streamDir, e.toString());
        }
    }
}
