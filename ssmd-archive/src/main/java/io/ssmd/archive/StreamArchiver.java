package io.ssmd.archive;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.config.Units;
import io.ssmd.core.meta.QualityProbe;
import io.ssmd.core.nats.OrderedStreamSource;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.nats.StreamSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.event.Logging;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The running archive of one stream: the graph
 * {@code ordered consumer → record → segment writer}, restarted after a storage failure.
 *
 * <p>Each attempt rebuilds the manifests from disk and resumes after the last committed sequence, so a failure
 * costs at most the open segment, which is read again from the stream. While the directory cannot be written nothing
 * is consumed: the data waits in the stream, {@code ssmd_archiver_storage_ok} is 0 and {@link ArchiveStorage} (so
 * {@code /v1/health}) names the directory and the free space. A full disk (or less free than
 * {@code min-free-space}) is not retried until the filesystem has {@code min-free-space} more free than it had after
 * the failure, so a segment that cannot fit is not written, dropped and written again in a loop.
 */
public final class StreamArchiver {

    private static final Logger log = LoggerFactory.getLogger(StreamArchiver.class);

    private final String stream;
    private final SharedKillSwitch drain;
    private final UniqueKillSwitch abort;
    private final CompletionStage<Done> done;
    private final ArchiverSettings settings;
    private final StreamProbe probe;
    private final AtomicReference<StreamArchive> current;
    private volatile boolean stopping;

    private StreamArchiver(
            String stream,
            SharedKillSwitch drain,
            UniqueKillSwitch abort,
            CompletionStage<Done> done,
            ArchiverSettings settings,
            StreamProbe probe,
            AtomicReference<StreamArchive> current) {
        this.stream = stream;
        this.drain = drain;
        this.abort = abort;
        this.done = done;
        this.settings = settings;
        this.probe = probe;
        this.current = current;
    }

    /**
     * Starts archiving {@code source} of environment {@code env}.
     *
     * @param spec      the stream as the environment defines it: when the server loses it (deleted, or a memory stream
     *                  after a NATS restart), the archiver creates it again so that publishing and archiving resume
     *                  without a restart of ssmd; empty to leave that to others
     * @param committed told of every committed file (the uploader listens)
     */
    public static StreamArchiver start(
            ActorSystem<?> system,
            Connection nats,
            String env,
            ArchiveSource source,
            StorageSettings storage,
            ManifestStore store,
            ArchiverSettings settings,
            ArchiverMetrics.StreamMetrics metrics,
            Optional<StreamSpec> spec,
            Consumer<CommittedFile> committed) {
        return start(
                system, nats, env, source, storage, store, settings, metrics, spec, committed, ArchiveQuality.none());
    }

    /**
     * As {@link #start(ActorSystem, Connection, String, ArchiveSource, StorageSettings, ManifestStore,
     * ArchiverSettings, ArchiverMetrics.StreamMetrics, Optional, Consumer)}, counting quality issues per committed
     * segment into {@code quality}'s sink (docs/inventory.md).
     */
    public static StreamArchiver start(
            ActorSystem<?> system,
            Connection nats,
            String env,
            ArchiveSource source,
            StorageSettings storage,
            ManifestStore store,
            ArchiverSettings settings,
            ArchiverMetrics.StreamMetrics metrics,
            Optional<StreamSpec> spec,
            Consumer<CommittedFile> committed,
            ArchiveQuality quality) {
        ExecutionContextExecutor io =
                system.dispatchers().lookup(DispatcherSelector.fromConfig(settings.ioDispatcher()));
        Path streamDir = ArchiveLayout.streamDir(storage.archiveRoot(), env, source.feed(), source.stream());
        StreamArchive.Target target = new StreamArchive.Target(
                streamDir,
                new ManifestIdentity(
                        env, source.feed(), source.stream(), storage.format().id(), Units.format(storage.rotation())),
                storage.format(),
                storage.rotation(),
                settings.closeGrace(),
                settings.lagInterval(),
                settings.clockSkewLimit());
        StreamProbe probe = probe(nats, source.stream());
        metrics.storage().running(source.stream());
        // After a failure for lack of space: the free bytes the next attempt waits for; 0 when none.
        AtomicLong waitForFree = new AtomicLong();
        // Whether the last failure came before anything was written (the directory or its manifests could not be
        // opened): then opening is itself the proof that the archive can write again.
        AtomicBoolean failedAtOpen = new AtomicBoolean();
        // The last seq written when the last attempt failed while writing: writing past it is a recovery.
        AtomicLong failedAtSeq = new AtomicLong();
        // Held from the first attempt until this archiver has stopped: no other archiver writes the directory
        // meanwhile.
        StreamLock lock = new StreamLock(streamDir);
        SharedKillSwitch drain = KillSwitches.shared("archive-" + source.stream());
        StreamArchiver[] self = new StreamArchiver[1];
        AtomicReference<StreamArchive> current = new AtomicReference<>();
        // Each failure is told once, by storageFailed (an ERROR naming the directory and the free space); the retries
        // while the disk stays full are not a WARN each.
        RestartSettings restart = RestartSettings.create(
                        settings.storageBackoffMin(), settings.storageBackoffMax(), 0.2)
                .withLogSettings(RestartSettings.createLogSettings(Logging.DebugLevel()));
        Source<NotUsed, NotUsed> restarting = RestartSource.onFailuresWithBackoff(restart, () -> {
            if (self[0] != null && self[0].stopping) {
                return Source.<NotUsed>empty();
            }
            return attempt(
                    nats,
                    source.stream(),
                    storage,
                    target,
                    store,
                    probe,
                    metrics,
                    committed,
                    settings,
                    drain,
                    io,
                    waitForFree,
                    failedAtOpen,
                    failedAtSeq,
                    () -> self[0] != null && self[0].stopping,
                    quality,
                    lock,
                    current);
        });
        Pair<UniqueKillSwitch, CompletionStage<Done>> running = restarting
                .viaMat(KillSwitches.single(), Keep.right())
                .toMat(Sink.ignore(), Keep.both())
                .run(system);
        // The consumer cannot notice a missing stream for us: while it is gone, it only fails and retries.
        Optional<Cancellable> keeper = spec.map(s -> system.scheduler()
                .scheduleWithFixedDelay(
                        settings.lagInterval(), settings.lagInterval(), () -> recreateIfMissing(nats, s), io));
        running.second().whenComplete((ok, e) -> {
            keeper.ifPresent(Cancellable::cancel);
            lock.release();
        });
        self[0] =
                new StreamArchiver(source.stream(), drain, running.first(), running.second(), settings, probe, current);
        return self[0];
    }

    /** The stream archived. */
    public String stream() {
        return stream;
    }

    /** The stream's last seq as the server reports it now (a call to NATS: blocks); empty when it cannot be read. */
    public OptionalLong streamLastSeq() {
        return lastSeq(probe);
    }

    /**
     * The daily teardown's flush: asks the writer to sync the open segment's {@code .tmp} until it holds every message
     * up to {@code upTo} (the window is not committed) and returns the last seq on disk for good so far (committed, or
     * in the synced {@code .tmp}); -1 while no attempt has opened the archive. Call again until it reaches
     * {@code upTo}. Does not block.
     */
    public long flush(long upTo) {
        StreamArchive archive = current.get();
        if (archive == null) {
            return -1;
        }
        archive.syncUpTo(upTo);
        return archive.syncedSeq();
    }

    /** Completes when the archiver has stopped. */
    public CompletionStage<Done> whenStopped() {
        return done;
    }

    /**
     * Stops consuming, commits the open segment and completes; after {@code stop-timeout} (a storage failure that
     * does not clear) the graph is aborted instead, leaving the open segment to be read again on the next start.
     */
    public CompletionStage<Done> stop() {
        stopping = true;
        drain.shutdown();
        CompletableFuture<Done> finished = done.toCompletableFuture();
        CompletableFuture.delayedExecutor(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (!finished.isDone()) {
                        log.warn("archive of {} did not commit within {}; aborting", stream, settings.stopTimeout());
                        abort.abort(new IllegalStateException("stop timeout"));
                    }
                });
        return finished.exceptionally(e -> Done.getInstance());
    }

    private static Source<NotUsed, NotUsed> attempt(
            Connection nats,
            String stream,
            StorageSettings storage,
            StreamArchive.Target target,
            ManifestStore store,
            StreamProbe probe,
            ArchiverMetrics.StreamMetrics metrics,
            Consumer<CommittedFile> committed,
            ArchiverSettings settings,
            SharedKillSwitch drain,
            Executor io,
            AtomicLong waitForFree,
            AtomicBoolean failedAtOpen,
            AtomicLong failedAtSeq,
            BooleanSupplier stopped,
            ArchiveQuality quality,
            StreamLock lock,
            AtomicReference<StreamArchive> current) {
        Path dir = target.streamDir();
        long minFree = settings.minFreeSpace();
        QualityProbe probeOf = quality.probes().apply(target.identity().feed());
        AtomicReference<ArchiveWriterStage.SpaceCheck> checks =
                new AtomicReference<>(() -> ArchiveStorage.requireFree(dir, minFree, 0));
        CompletableFuture<StreamArchive> opened = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        try {
                            ArchiveStorage.requireFree(dir, minFree, waitForFree.get());
                        } catch (ArchiveStorage.NoSpaceException e) {
                            throw waitForFree.get() > 0
                                    ? new StillNoSpace(e.getMessage())
                                    : new NoSpaceAtStart(e.getMessage());
                        }
                        // After a failure while writing, the stream counts as writing again only once it has written
                        // past the seq where that failure came, or committed a file: an attempt that opens and fails
                        // again at the same place is the same failure, not a recovery and a new ERROR.
                        Runnable wrote = () -> {
                            if (metrics.storage().recovered(stream)) {
                                metrics.storageOk().set(1);
                                log.info(
                                        "archive of {} writes to {} again ({} on its filesystem)",
                                        stream,
                                        dir,
                                        ArchiveStorage.space(dir)
                                                .map(ArchiveStorage.Space::describe)
                                                .orElse("free space unknown"));
                            }
                        };
                        // Before anything of the directory is read: the last writer's commit is in it then.
                        lock.acquire(settings.lockWait(), stopped);
                        restoreFromBucket(storage, target.streamDir(), store);
                        StreamArchive archive = StreamArchive.open(
                                target,
                                store,
                                probe,
                                metrics,
                                file -> {
                                    wrote.run();
                                    committed.accept(file);
                                },
                                quality);
                        waitForFree.set(0);
                        current.set(archive);
                        if (failedAtOpen.get()) {
                            wrote.run();
                        } else if (metrics.storage().failing().containsKey(stream)) {
                            log.debug("archive of {} retries after seq {}", stream, archive.lastSeq());
                        } else {
                            metrics.storageOk().set(1);
                        }
                        checks.set(() -> {
                            ArchiveStorage.requireFree(dir, minFree, 0);
                            if (archive.lastSeq() > failedAtSeq.get()) {
                                wrote.run();
                            }
                        });
                        return archive;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                io);
        return Source.completionStageSource(opened.thenApply(archive -> OrderedStreamSource.create(
                                nats,
                                stream,
                                () -> archive.lastSeq() + 1,
                                () -> lastSeq(probe),
                                stopped,
                                settings.consumer())
                        .via(drain.flow())
                        .async(settings.ioDispatcher())
                        .map(message -> message.map(ArchiveRecord::of).map(r -> r.inspected(probeOf)))
                        .async()
                        .via(Flow.fromGraph(new ArchiveWriterStage(
                                archive,
                                () -> System.currentTimeMillis() * 1000,
                                () -> checks.get().check())))
                        .async(settings.ioDispatcher())))
                .mapMaterializedValue(f -> NotUsed.getInstance())
                .watchTermination((mat, termination) -> {
                    termination.whenComplete((ok, failure) -> {
                        if (failure != null) {
                            failedAtOpen.set(!opened.isDone() || opened.isCompletedExceptionally());
                            if (!failedAtOpen.get()) {
                                failedAtSeq.set(opened.join().lastSeq());
                            }
                            storageFailed(stream, dir, minFree, unwrap(failure), metrics, settings, waitForFree);
                        }
                    });
                    return mat;
                });
    }

    /**
     * A root with no manifests of the stream (a new node or a new volume) takes them from the bucket first, so the
     * archive resumes after the highest sequence committed there and never writes an uploaded window again. The
     * bucket being unreachable fails the attempt, which is retried with backoff: archiving from the stream's start
     * instead could write windows the bucket already holds.
     */
    private static void restoreFromBucket(StorageSettings storage, Path streamDir, ManifestStore store)
            throws IOException {
        if (storage.upload().isEmpty() || RemoteArchive.hasLocalManifests(streamDir)) {
            return;
        }
        try (RemoteArchive remote = RemoteArchive.open(storage.upload().get())) {
            remote.restoreManifests(storage.archiveRoot(), streamDir, store);
        }
    }

    /** A retry that found the disk still too full: the state and the ERROR line stay those of the failure. */
    private static final class StillNoSpace extends ArchiveStorage.NoSpaceException {
        StillNoSpace(String message) {
            super(message);
        }
    }

    /** Too little space before anything was written: the attempt waits for {@code min-free-space}, no more. */
    private static final class NoSpaceAtStart extends ArchiveStorage.NoSpaceException {
        NoSpaceAtStart(String message) {
            super(message);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Consuming has stopped: says why once (an ERROR naming the directory and the free space, repeated only when the
     * cause changes), shows it in the metrics and {@link ArchiveStorage}, and after a failure for lack of space sets
     * the free space the next attempt waits for.
     */
    private static void storageFailed(
            String stream,
            Path dir,
            long minFree,
            Throwable cause,
            ArchiverMetrics.StreamMetrics metrics,
            ArchiverSettings settings,
            AtomicLong waitForFree) {
        metrics.storageOk().set(0);
        if (cause instanceof StillNoSpace) {
            return;
        }
        Optional<ArchiveStorage.Space> space = ArchiveStorage.space(dir);
        boolean noSpace = ArchiveStorage.isNoSpace(cause);
        String free = space.map(ArchiveStorage.Space::describe).orElse("free space unknown");
        String resumes;
        if (noSpace) {
            // The dropped segment's space is free again: waiting only for min-free-space would write, fill and drop
            // the same segment again and again. Once writing failed, some space must have been freed.
            long wanted = cause instanceof NoSpaceAtStart
                    ? minFree
                    : space.map(s -> s.usable() + minFree).orElse(minFree);
            waitForFree.set(wanted);
            resumes = "consuming resumes once " + ArchiveStorage.size(wanted) + " is free there";
        } else {
            resumes = "retried every " + Units.format(settings.storageBackoffMin()) + " to "
                    + Units.format(settings.storageBackoffMax());
        }
        String detail = "cannot write " + dir + ": " + (noSpace ? "no space left: " : "") + cause.getMessage() + " ("
                + free + " on its filesystem); nothing more is committed, the stream keeps the messages; " + resumes;
        boolean first = metrics.storage()
                .failed(stream, noSpace ? "no space left" : String.valueOf(cause.getMessage()), detail);
        if (first) {
            log.error("archive of {} stopped: {}", stream, detail);
        } else {
            log.debug("archive of {} still stopped: {}", stream, detail);
        }
        // Counted last, once its detail and its log line are out: whoever sees the failure counted (an alert, a test)
        // finds its reason.
        metrics.storageFailures().inc();
    }

    private static void recreateIfMissing(Connection nats, StreamSpec spec) {
        try {
            new StreamSetup(nats.jetStreamManagement()).recreateIfMissing(spec);
        } catch (IOException | RuntimeException e) {
            log.debug("checking that stream {} exists: {}", spec.name(), e.toString());
        }
    }

    private static OptionalLong lastSeq(StreamProbe probe) {
        return probe.state().map(s -> OptionalLong.of(s.lastSeq())).orElseGet(OptionalLong::empty);
    }

    private static StreamProbe probe(Connection nats, String stream) {
        return () -> {
            try {
                var info = nats.jetStreamManagement().getStreamInfo(stream);
                var state = info.getStreamState();
                var created = info.getCreateTime();
                long createdMicros =
                        created == null ? 0 : created.toEpochSecond() * 1_000_000L + created.getNano() / 1000;
                return Optional.of(new StreamProbe.State(
                        state.getFirstSequence(),
                        state.getLastSequence(),
                        createdMicros,
                        state.getByteCount(),
                        info.getConfiguration().getMaxBytes()));
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                return Optional.empty();
            }
        };
    }
}
