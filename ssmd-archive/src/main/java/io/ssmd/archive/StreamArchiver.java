package io.ssmd.archive;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.config.Units;
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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
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
 * is consumed: the data waits in the stream, and {@code ssmd_archiver_storage_ok} is 0.
 */
public final class StreamArchiver {

    private static final Logger log = LoggerFactory.getLogger(StreamArchiver.class);

    private final String stream;
    private final SharedKillSwitch drain;
    private final UniqueKillSwitch abort;
    private final CompletionStage<Done> done;
    private final ArchiverSettings settings;
    private volatile boolean stopping;

    private StreamArchiver(
            String stream,
            SharedKillSwitch drain,
            UniqueKillSwitch abort,
            CompletionStage<Done> done,
            ArchiverSettings settings) {
        this.stream = stream;
        this.drain = drain;
        this.abort = abort;
        this.done = done;
        this.settings = settings;
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
        SharedKillSwitch drain = KillSwitches.shared("archive-" + source.stream());
        StreamArchiver[] self = new StreamArchiver[1];
        RestartSettings restart =
                RestartSettings.create(settings.storageBackoffMin(), settings.storageBackoffMax(), 0.2);
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
                    () -> self[0] != null && self[0].stopping);
        });
        Pair<UniqueKillSwitch, CompletionStage<Done>> running = restarting
                .viaMat(KillSwitches.single(), Keep.right())
                .toMat(Sink.ignore(), Keep.both())
                .run(system);
        // The consumer cannot notice a missing stream for us: while it is gone, it only fails and retries.
        Optional<Cancellable> keeper = spec.map(s -> system.scheduler()
                .scheduleWithFixedDelay(
                        settings.lagInterval(), settings.lagInterval(), () -> recreateIfMissing(nats, s), io));
        running.second().whenComplete((ok, e) -> keeper.ifPresent(Cancellable::cancel));
        self[0] = new StreamArchiver(source.stream(), drain, running.first(), running.second(), settings);
        return self[0];
    }

    /** The stream archived. */
    public String stream() {
        return stream;
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
            BooleanSupplier stopped) {
        CompletableFuture<StreamArchive> opened = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        restoreFromBucket(storage, target.streamDir(), store);
                        StreamArchive archive = StreamArchive.open(target, store, probe, metrics, committed);
                        metrics.storageOk().set(1);
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
                        .map(message -> message.map(ArchiveRecord::of))
                        .async()
                        .via(Flow.fromGraph(new ArchiveWriterStage(archive, () -> System.currentTimeMillis() * 1000)))
                        .async(settings.ioDispatcher())))
                .mapMaterializedValue(f -> NotUsed.getInstance())
                .watchTermination((mat, termination) -> {
                    termination.whenComplete((ok, failure) -> {
                        if (failure != null) {
                            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                    ? failure.getCause()
                                    : failure;
                            metrics.storageFailures().inc();
                            metrics.storageOk().set(0);
                            log.error(
                                    "archive of {} failed, consuming stopped until it can write again: {}",
                                    stream,
                                    cause.toString());
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
                return Optional.of(
                        new StreamProbe.State(state.getFirstSequence(), state.getLastSequence(), createdMicros));
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                return Optional.empty();
            }
        };
    }
}
