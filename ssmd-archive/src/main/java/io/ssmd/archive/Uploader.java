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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.connectors.s3.MetaHeaders;
import org.apache.pekko.stream.connectors.s3.S3Headers;
import org.apache.pekko.stream.connectors.s3.javadsl.S3;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one stream's committed files, then their manifests, to S3-compatible storage (DESIGN §6). Keys mirror the
 * local layout. Segments are small, so each is one PUT carrying {@code Content-MD5} (the server refuses a body that
 * does not match it) and the SHA-256 of the bytes in the object's user metadata. The object is then read back with
 * HEAD and counts as uploaded only when its size and stored SHA-256 are those of the bytes sent (the ETag only as
 * extra evidence, when it is an MD5 at all: not under SSE-KMS or SSE-C), and those are still the bytes the manifest
 * lists. Only then does the manifest mark it uploaded, and only after that may local retention delete it, once a HEAD
 * has shown the object still there.
 *
 * <p>A key that already holds an object is never written: the same bytes count as uploaded, other bytes are a
 * conflict (a WARN, {@code ssmd_archiver_upload_conflicts_total}, {@code conflict} in the manifest entry). Each file
 * is retried on its own backoff, so one that fails never holds back the others. A manifest is uploaded after the files
 * it describes, listing only the files verified in the bucket, each time that changes.
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
    // Per file (or manifest): failures so far and when to try again. Only the pass touches them, one at a time.
    private final Map<Path, Retry> retries = new ConcurrentHashMap<>();
    // Per date directory: the SHA-256 of the manifest last uploaded and verified.
    private final Map<Path, String> manifestsSent = new ConcurrentHashMap<>();

    private record Retry(int failures, long notBefore) {}

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

    /** One pass: every pending file whose backoff has passed, each on its own; the manifests; local retention. */
    private CompletionStage<Done> pass() {
        return CompletableFuture.supplyAsync(this::pending, io)
                .thenCompose(pending -> {
                    metrics.uploadPending().set(pending.size());
                    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
                    for (Pending p : pending) {
                        chain = chain.thenCompose(d -> attempt(p.file(), () -> uploadOne(p)));
                    }
                    return chain;
                })
                .thenCompose(d -> uploadManifests())
                .thenCompose(d -> applyRetention())
                .exceptionally(e -> {
                    log.warn("upload pass over {} failed: {}", streamDir, cause(e).toString());
                    return Done.getInstance();
                });
    }

    /** Runs one file's (or manifest's) upload unless it waits out a backoff; a failure only delays that one. */
    private CompletionStage<Done> attempt(Path what, Supplier<CompletionStage<Done>> work) {
        Retry retry = retries.get(what);
        if (retry != null && System.nanoTime() < retry.notBefore()) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        CompletionStage<Done> started;
        try {
            started = work.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        return started.handle((ok, e) -> {
            if (e == null) {
                retries.remove(what);
                return Done.getInstance();
            }
            int failures = retry == null ? 0 : retry.failures();
            Duration delay = backoff.delay(failures);
            retries.put(what, new Retry(failures + 1, System.nanoTime() + delay.toNanos()));
            metrics.uploadFailures().inc();
            log.warn("upload of {} failed, retrying it in {}: {}", what, delay, cause(e).toString());
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
                        .filter(f -> !f.uploaded() && !f.conflict())
                        .filter(f -> Files.isRegularFile(dateDir.resolve(f.name())))
                        .forEach(f -> pending.add(new Pending(dateDir, f))));
            }
            return pending;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletionStage<Done> uploadOne(Pending pending) {
        Path file = pending.file();
        if (!ManifestStore.claim(file)) {
            // The writer is reopening this window: its new bytes are uploaded once committed.
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        String key = upload.key(ArchiveLayout.relative(archiveRoot, file));
        CompletionStage<Done> result = CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return ObjectDigest.of(file);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        io)
                .thenCompose(digest -> head(key).thenCompose(existing -> {
                    if (existing.isPresent()) {
                        return CompletableFuture.supplyAsync(
                                () -> {
                                    onExisting(pending, key, digest, existing.get());
                                    return Done.getInstance();
                                },
                                io);
                    }
                    return put(key, FileIO.fromPath(file), digest)
                            .thenCompose(put -> head(key))
                            .thenApplyAsync(
                                    head -> {
                                        verify(key, head, digest);
                                        markUploaded(pending, digest);
                                        return Done.getInstance();
                                    },
                                    io);
                }));
        return result.whenComplete((ok, e) -> ManifestStore.release(file));
    }

    /** The key already holds an object: the same bytes are uploaded, other bytes are never overwritten. */
    private void onExisting(Pending pending, String key, ObjectDigest digest, RemoteObject existing) {
        if (existing.holds(digest)) {
            log.info("{} is already in the bucket with the same bytes ({})", key, existing);
            markUploaded(pending, digest);
            return;
        }
        metrics.uploadConflicts().inc();
        log.warn(
                "not uploading {}: the bucket already holds other bytes at {} ({}; this file: {} bytes, SHA-256 {});"
                        + " the object is left as it is and the manifest marks the file conflict",
                pending.file(),
                key,
                existing,
                digest.bytes(),
                digest.sha256());
        try {
            store.updateExisting(
                    pending.dateDir(),
                    m -> m.file(pending.entry().name())
                            .filter(f -> digest.md5().equals(f.md5()))
                            .map(f -> m.withEntry(f.conflicting()))
                            .orElse(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletionStage<Optional<RemoteObject>> head(String key) {
        return S3.getObjectMetadata(upload.bucket(), key)
                .withAttributes(s3)
                .runWith(Sink.head(), system)
                .thenApply(head -> head.map(S3Target::remote));
    }

    private CompletionStage<Done> put(String key, Source<ByteString, ?> body, ObjectDigest digest) {
        S3Headers headers = S3Headers.create()
                .withMetaHeaders(MetaHeaders.create(Map.of(ObjectDigest.SHA256_METADATA, digest.sha256())))
                .withCustomHeaders(scalaMap(Map.of("Content-MD5", digest.contentMd5())));
        return S3.putObject(
                        upload.bucket(),
                        key,
                        body.mapMaterializedValue(m -> NotUsed.getInstance()),
                        digest.bytes(),
                        ContentTypes.APPLICATION_OCTET_STREAM,
                        headers)
                .withAttributes(s3)
                .runWith(Sink.head(), system)
                .thenApply(put -> Done.getInstance());
    }

    @SuppressWarnings("unchecked")
    private static scala.collection.immutable.Map<String, String> scalaMap(Map<String, String> map) {
        scala.collection.immutable.Map<String, String> result = scala.collection.immutable.Map$.MODULE$.empty();
        for (Map.Entry<String, String> e : map.entrySet()) {
            result = result.updated(e.getKey(), e.getValue());
        }
        return result;
    }

    private static void verify(String key, Optional<RemoteObject> head, ObjectDigest sent) {
        if (head.isEmpty()) {
            throw new IllegalStateException(key + " is not in the bucket after its PUT");
        }
        if (!head.get().holds(sent.bytes(), sent.sha256()) || !head.get().holds(sent)) {
            throw new IllegalStateException(key + " does not verify: the bucket has " + head.get() + ", sent "
                    + sent.bytes() + " bytes with SHA-256 " + sent.sha256());
        }
    }

    private void markUploaded(Pending pending, ObjectDigest digest) {
        try {
            Manifest after = store.updateExisting(
                    pending.dateDir(),
                    m -> m.file(pending.entry().name())
                            .filter(f -> digest.md5().equals(f.md5()))
                            .map(f -> m.withEntry(f.verified(digest.sha256())))
                            .orElse(m));
            if (after.file(pending.entry().name()).map(FileEntry::uploaded).orElse(false)) {
                metrics.uploads().inc();
                log.debug("uploaded {}", pending.file());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Uploads each manifest whose uploaded view (the files verified in the bucket) changed since it was last sent, after
     * those files: a restored manifest never lists an object the bucket does not hold.
     */
    private CompletionStage<Done> uploadManifests() {
        CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
        List<Path> dateDirs;
        try {
            dateDirs = ManifestRebuild.dateDirs(streamDir);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        for (Path dateDir : dateDirs) {
            Path manifestFile = dateDir.resolve(ArchiveLayout.MANIFEST);
            chain = chain.thenCompose(d -> attempt(manifestFile, () -> uploadManifest(dateDir)));
        }
        return chain;
    }

    private CompletionStage<Done> uploadManifest(Path dateDir) {
        byte[] content;
        try {
            Optional<Manifest> manifest = ManifestStore.read(dateDir);
            if (manifest.isEmpty() || manifest.get().files().stream().noneMatch(FileEntry::uploaded)) {
                return CompletableFuture.completedFuture(Done.getInstance());
            }
            content = ManifestStore.JSON.writeValueAsBytes(manifest.get().uploadedOnly());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        ObjectDigest digest = ObjectDigest.of(content);
        if (digest.sha256().equals(manifestsSent.get(dateDir))) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        String key = upload.key(ArchiveLayout.relative(archiveRoot, dateDir.resolve(ArchiveLayout.MANIFEST)));
        // A manifest is the one object that is replaced: it grows as its day's files are uploaded.
        return head(key)
                .thenCompose(existing -> existing.filter(o -> o.holds(digest)).isPresent()
                        ? CompletableFuture.completedFuture(Done.getInstance())
                        : put(key, Source.single(ByteString.fromArray(content)), digest)
                                .thenCompose(put -> head(key))
                                .thenApply(head -> {
                                    verify(key, head, digest);
                                    return Done.getInstance();
                                }))
                .thenApply(d -> {
                    manifestsSent.put(dateDir, digest.sha256());
                    return d;
                });
    }

    /**
     * Deletes local files uploaded and verified whose window ended more than {@code keep-local} ago, each only after a
     * HEAD shows its object still in the bucket with the bytes verified. An object found missing or changed is never
     * trusted to the stale flag: the file stays, its entry is marked not uploaded, so it is uploaded again (or, when
     * other bytes sit at its key, marked conflict), and {@code ssmd_archiver_remote_missing_total} counts it.
     */
    private CompletionStage<Done> applyRetention() {
        if (upload.keepLocal().isEmpty()) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        long horizon =
                System.currentTimeMillis() * 1000 - upload.keepLocal().get().toNanos() / 1000;
        List<Pending> expired = new ArrayList<>();
        try {
            for (Path dateDir : ManifestRebuild.dateDirs(streamDir)) {
                LocalDate date = LocalDate.parse(dateDir.getFileName().toString());
                for (FileEntry entry :
                        ManifestStore.read(dateDir).map(Manifest::files).orElse(List.of())) {
                    Optional<Long> window = ArchiveLayout.windowOf(date, entry.name());
                    if (entry.uploaded()
                            && window.isPresent()
                            && entry.end() < horizon
                            && window.get() < horizon
                            && Files.isRegularFile(dateDir.resolve(entry.name()))) {
                        expired.add(new Pending(dateDir, entry));
                    }
                }
            }
        } catch (IOException e) {
            log.warn("local retention in {} failed: {}", streamDir, e.toString());
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
        for (Pending p : expired) {
            String key = upload.key(ArchiveLayout.relative(archiveRoot, p.file()));
            chain = chain.thenCompose(d -> head(key)
                    .thenApplyAsync(head -> deleteIfSafe(p, key, head), io)
                    .exceptionally(e -> {
                        log.warn(
                                "local retention: cannot check {} in the bucket, keeping {}: {}",
                                key,
                                p.file(),
                                cause(e));
                        return Done.getInstance();
                    }));
        }
        return chain;
    }

    private Done deleteIfSafe(Pending p, String key, Optional<RemoteObject> head) {
        String sha256 = p.entry().sha256();
        boolean safe = head.isPresent()
                && (sha256 != null
                        ? head.get().holds(p.entry().bytes(), sha256)
                        : head.get().bytes() == p.entry().bytes()
                                && head.get().etag().equals(p.entry().md5()));
        try {
            if (safe) {
                if (Files.deleteIfExists(p.file())) {
                    log.info("deleted {}: uploaded and verified, older than keep-local", p.file());
                }
                return Done.getInstance();
            }
            metrics.remoteMissing().inc();
            log.warn(
                    "{} is marked uploaded but its object {} is {}: keeping the local file and uploading it again",
                    p.file(),
                    key,
                    head.map(o -> "different (" + o + ")").orElse("missing from the bucket"));
            store.updateExisting(p.dateDir(), m -> m.withUploaded(p.entry().name(), false));
            manifestsSent.remove(p.dateDir());
        } catch (IOException e) {
            log.warn("local retention of {} failed: {}", p.file(), e.toString());
        }
        return Done.getInstance();
    }

    private static Throwable cause(Throwable e) {
        Throwable c = e;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof UncheckedIOException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
