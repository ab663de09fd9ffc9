package io.ssmd.archive;

import io.ssmd.core.config.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive of one stream as it is being written: the committed position, the open segment, and the gaps found on
 * the way (DESIGN §6). Not thread-safe: one stream stage owns it, on the blocking dispatcher.
 *
 * <p>Windows only move forward: a message belongs to the later of its own window and the open one, so files keep
 * stream order even when receive times from different shards interleave. A message whose window's file was already
 * committed (after a restart, or a late message after an idle close) reopens that file by appending to a copy of it.
 */
final class StreamArchive {

    private static final Logger log = LoggerFactory.getLogger(StreamArchive.class);

    /** Where and how one stream is archived. */
    record Target(
            Path streamDir,
            ManifestIdentity identity,
            StorageSettings.Format format,
            Duration rotation,
            Duration closeGrace,
            Duration lagInterval,
            Duration clockSkewLimit) {}

    private final Target target;
    private final ManifestStore store;
    private final StreamProbe probe;
    private final ArchiverMetrics.StreamMetrics metrics;
    private final Consumer<CommittedFile> committed;
    private final ControlGaps controls;
    private final QualityTracker quality;
    private final ArchiveQuality.Sink qualitySink;
    // Read by the consumer when it (re)subscribes from another thread: it resumes after the last written message.
    private volatile long lastSeq;
    // The last seq on disk for good: committed, or in the open segment's synced .tmp (a flush).
    private volatile long syncedSeq;
    // The seq a flush waits for: the writer syncs the open segment on its next tick while syncedSeq is below it.
    private final java.util.concurrent.atomic.AtomicLong syncWanted = new java.util.concurrent.atomic.AtomicLong();
    private Optional<Long> lastWindow;
    private Optional<Path> lastFile;
    private Open open;
    private long nextLagCheck;
    // The creation time of the stream being read (epoch µs), as the manifests recorded it or the probe has told it
    // since; 0 while unknown. Recorded in the manifest with each commit.
    private long streamCreated;
    // A reset found by the probe, recorded in the file of the first message of the new stream.
    private Gap pendingReset;
    // The receive time of the last message written (or committed before this run), to date a reset; null before any.
    private Long lastTs;

    /** The open segment and what it has gathered. */
    private static final class Open {
        final long window;
        final Path dateDir;
        final SegmentFile file;
        final SegmentStats stats;
        final long copiedBytes;
        final List<Gap> carried;
        final List<Gap> found = new ArrayList<>();
        // Clock-skewed lines added since the segment opened: counted in the metric when it commits, as gaps are.
        long skewed;

        Open(long window, Path dateDir, SegmentFile file, SegmentStats stats, long copiedBytes, List<Gap> carried) {
            this.window = window;
            this.dateDir = dateDir;
            this.file = file;
            this.stats = stats;
            this.copiedBytes = copiedBytes;
            this.carried = carried;
        }
    }

    private StreamArchive(
            Target target,
            ManifestStore store,
            StreamProbe probe,
            ArchiverMetrics.StreamMetrics metrics,
            Consumer<CommittedFile> committed,
            ManifestRebuild.Position position,
            ArchiveQuality quality) {
        this.target = target;
        this.quality =
                new QualityTracker(quality.probes().apply(target.identity().feed()), quality.settings());
        this.qualitySink = quality.sink();
        this.store = store;
        this.probe = probe;
        this.metrics = metrics;
        this.committed = committed;
        this.lastSeq = position.lastSeq();
        this.syncedSeq = position.lastSeq();
        this.lastWindow = position.lastWindow();
        this.lastFile = position.lastFile();
        this.controls = new ControlGaps(position.shards());
        this.streamCreated = position.streamCreated();
        this.lastTs = position.lastTs() == 0 ? null : position.lastTs();
    }

    /** Rebuilds the manifests from disk and returns the archive positioned after its last committed sequence. */
    static StreamArchive open(
            Target target,
            ManifestStore store,
            StreamProbe probe,
            ArchiverMetrics.StreamMetrics metrics,
            Consumer<CommittedFile> committed)
            throws IOException {
        return open(target, store, probe, metrics, committed, ArchiveQuality.none());
    }

    /** As {@link #open(Target, ManifestStore, StreamProbe, ArchiverMetrics.StreamMetrics, Consumer)}, checking quality. */
    static StreamArchive open(
            Target target,
            ManifestStore store,
            StreamProbe probe,
            ArchiverMetrics.StreamMetrics metrics,
            Consumer<CommittedFile> committed,
            ArchiveQuality quality)
            throws IOException {
        ManifestRebuild.Position position = ManifestRebuild.run(target.streamDir(), target.identity(), store);
        log.info(
                "archive of {} resumes after seq {} ({})",
                target.identity().stream(),
                position.lastSeq(),
                target.streamDir());
        StreamArchive archive = new StreamArchive(target, store, probe, metrics, committed, position, quality);
        // Before the consumer starts from the manifests' position: a stream recreated while the archiver was down
        // (another creation time than the manifests record, or fewer messages than they hold) is read from its first
        // sequence, not from a position that belongs to the old stream.
        probe.state().ifPresent(archive::checkReset);
        return archive;
    }

    /** The last sequence written, committed or in the open segment; 0 when none. */
    long lastSeq() {
        return lastSeq;
    }

    /** The last seq on disk for good: in a committed file, or in the open segment's {@code .tmp} once synced. */
    long syncedSeq() {
        return syncedSeq;
    }

    /**
     * Asks the writer to sync the open segment's {@code .tmp} (compressor flushed, file fsynced) on its next ticks
     * until {@link #syncedSeq()} reaches {@code seq}: a flush of the daily teardown. The window is not committed.
     * Safe from any thread.
     */
    void syncUpTo(long seq) {
        syncWanted.accumulateAndGet(seq, Math::max);
    }

    /**
     * Writes one message, unless an earlier run already archived it.
     *
     * @param nowMicros the archiver's clock: a receive time more than {@code clockSkewLimit} ahead of it is a
     *                  {@code clock_skew}, written into the current window instead of opening a far-future one
     */
    void append(ArchiveRecord record, long nowMicros) throws IOException {
        if (record.seq() <= lastSeq) {
            return;
        }
        List<Gap> jump = record.seq() > lastSeq + 1 ? jump(lastSeq + 1, record) : List.of();
        boolean skewed = record.ts() > nowMicros + micros(target.clockSkewLimit());
        // A skewed time says nothing of when the message came: it joins the open window (or the clock's own), so a
        // far-future window never opens and holds back every later message.
        long window = skewed && open != null
                ? open.window
                : ArchiveLayout.windowStart(skewed ? nowMicros : record.ts(), target.rotation());
        if (open != null && window > open.window) {
            commit();
        }
        if (open == null) {
            start(Math.max(window, lastWindow.orElse(window)));
        }
        String name = open.file.name();
        // Nor does a skewed time stretch the file's start and end: it counts as the file's latest time so far.
        long ts = skewed ? Optional.ofNullable(open.stats.lastTs()).orElse(open.window) : record.ts();
        if (pendingReset != null) {
            open.found.add(new Gap(
                            pendingReset.type(),
                            pendingReset.fromSeq(),
                            null,
                            pendingReset.start(),
                            ts,
                            null,
                            pendingReset.reason(),
                            null,
                            null)
                    .inFile(name));
            pendingReset = null;
        }
        jump.forEach(g -> open.found.add(g.inFile(name)));
        record.control()
                .ifPresent(event -> controls.on(record.seq(), event).forEach(g -> open.found.add(g.inFile(name))));
        open.file.append(record.line());
        open.stats.add(record.seq(), ts, record.parts());
        quality.observe(record);
        if (skewed) {
            open.stats.clockSkew();
            open.skewed++;
            log.warn(
                    "{} seq {}: receive time {} µs is {} s ahead of the archiver's clock; archived in window {}",
                    target.identity().stream(),
                    record.seq(),
                    record.ts(),
                    (record.ts() - nowMicros) / 1_000_000,
                    name);
        }
        lastSeq = record.seq();
        lastTs = ts;
        metrics.messages().inc();
    }

    /**
     * Refreshes the lag gauge now and then and, when the stream has nothing more for now ({@code idle}), closes the
     * open segment once its window ended {@code closeGrace} ago. While messages flow, a window closes only when a
     * later one begins: catching up on a backlog of old windows must not commit (and reopen) a file every tick.
     */
    void tick(long nowMicros, boolean idle) throws IOException {
        if (syncWanted.get() > syncedSeq && lastSeq > syncedSeq) {
            if (open != null) {
                open.file.sync();
            }
            syncedSeq = lastSeq;
        }
        if (idle
                && open != null
                && nowMicros >= open.window + micros(target.rotation()) + micros(target.closeGrace())) {
            commit();
        }
        if (nowMicros >= nextLagCheck) {
            nextLagCheck = nowMicros + micros(target.lagInterval());
            probe.state().ifPresent(s -> {
                checkReset(s);
                metrics.lag().set(Math.max(0, s.lastSeq() - lastSeq));
                metrics.streamBytes().set(s.bytes());
                metrics.streamMaxBytes().set(s.maxBytes());
            });
        }
    }

    /**
     * Notices a stream that was deleted and recreated (or lost in a NATS restart and provisioned again): it holds
     * less than the archive already has, or it was created at another time than the stream read so far. The archive
     * then continues from the new stream's first sequence, and the consumer, which reads from {@link #lastSeq()} + 1,
     * is recreated from there (it waits on a sequence the new stream may never reach).
     */
    private void checkReset(StreamProbe.State state) {
        boolean recreated = streamCreated != 0 && state.created() != 0 && state.created() != streamCreated;
        if (state.created() != 0) {
            streamCreated = state.created();
        }
        boolean below = state.lastSeq() < lastSeq;
        if (!recreated && !below) {
            return;
        }
        // An empty new stream reports first = 0; a purged one first = last + 1.
        long next = Math.max(1, state.firstSeq());
        String reason = "stream " + target.identity().stream() + " was recreated"
                + (state.created() != 0 ? " (created " + Instant.EPOCH.plusNanos(state.created() * 1000) + ")" : "")
                + " holding seqs " + state.firstSeq() + ".." + state.lastSeq() + " while the archive was at seq "
                + lastSeq + "; the archive continues from seq " + next;
        log.warn("{} stream_reset: {}", target.identity().stream(), reason);
        pendingReset = new Gap(Gap.STREAM_RESET, lastSeq + 1, null, lastTs, null, null, reason, null, null);
        lastSeq = next - 1;
    }

    /** Commits the open segment: on shutdown, and when a later window begins. */
    void commit() throws IOException {
        if (open == null) {
            return;
        }
        Open segment = open;
        open = null;
        SegmentFile.Committed done;
        try {
            done = segment.file.commit();
        } catch (IOException | RuntimeException e) {
            segment.file.abort();
            releaseReopened(segment);
            throw e;
        }
        FileEntry entry = segment.stats.entry(done.file().getFileName().toString(), done.bytes(), done.md5(), false);
        List<Gap> gaps = new ArrayList<>(segment.carried);
        gaps.addAll(segment.found);
        SortedSet<String> tickers = new TreeSet<>(segment.stats.tickers());
        SortedSet<String> types = new TreeSet<>(segment.stats.types());
        store.update(
                segment.dateDir,
                target.identity().empty(segment.dateDir),
                m -> m.withFile(entry, gaps, tickers, types)
                        .withShards(controls.marks())
                        .withStreamCreated(streamCreated));
        lastWindow = Optional.of(segment.window);
        lastFile = Optional.of(done.file());
        metrics.files().inc();
        metrics.bytes().inc(done.bytes() - segment.copiedBytes);
        segment.found.forEach(g -> metrics.gap(g.type()));
        metrics.clockSkew().inc(segment.skewed);
        releaseReopened(segment);
        syncedSeq = lastSeq;
        committed.accept(new CommittedFile(segment.dateDir, entry));
        // Counted per committed segment: a segment dropped before its commit is read again and counted then.
        List<io.ssmd.core.meta.QualityIssues.Tally> tallies = quality.drain();
        try {
            qualitySink.committed(
                    new io.ssmd.core.meta.QualityIssues.Day(
                            target.identity().env(),
                            target.identity().feed(),
                            target.identity().stream(),
                            java.time.LocalDate.parse(
                                    segment.dateDir.getFileName().toString()),
                            segment.dateDir.toAbsolutePath().normalize().toString()),
                    tallies);
        } catch (RuntimeException e) {
            // The segment is committed: its quality counts are lost, never the archive's progress.
            log.error("quality counts of {} not recorded: {} ({})", done.file(), tallies, e.toString());
        }
    }

    private static void releaseReopened(Open segment) {
        if (segment.copiedBytes > 0) {
            ManifestStore.release(segment.dateDir.resolve(segment.file.name()));
        }
    }

    /** Drops the open segment after a failure: its messages will be read again. */
    void abort() {
        quality.reset();
        if (open != null) {
            open.file.abort();
            releaseReopened(open);
            open = null;
        }
    }

    private void start(long wanted) throws IOException {
        boolean again = lastWindow.isPresent() && lastWindow.get() == wanted;
        boolean reopen = again
                && lastFile.isPresent()
                && Files.isRegularFile(lastFile.get())
                && lastFile.get().getFileName().toString().equals(ArchiveLayout.fileName(wanted, target.format()))
                && !uploadedOrUploading(lastFile.get());
        // The window's file was uploaded (or is being uploaded, or was deleted locally, or written in another
        // format): the next window takes the message, since a second file of the same window would replace the
        // first in the manifest, and an uploaded object is never overwritten with other bytes.
        long window = again && !reopen ? wanted + micros(target.rotation()) : wanted;
        Path dateDir = ArchiveLayout.dateDir(target.streamDir(), window);
        String name = ArchiveLayout.fileName(window, target.format());
        if (!reopen) {
            open = new Open(
                    window,
                    dateDir,
                    SegmentFile.open(dateDir, name, target.format(), Optional.empty()),
                    new SegmentStats(),
                    0,
                    List.of());
            return;
        }
        Manifest manifest =
                ManifestStore.read(dateDir).orElseGet(() -> target.identity().empty(dateDir));
        Optional<FileEntry> entry = manifest.file(name);
        if (entry.isEmpty()) {
            ManifestStore.release(lastFile.get());
            throw new IOException(dateDir.resolve(name) + " exists but its manifest does not list it");
        }
        List<Gap> carried =
                manifest.gaps().stream().filter(g -> name.equals(g.file())).toList();
        open = new Open(
                window,
                dateDir,
                SegmentFile.open(dateDir, name, target.format(), lastFile),
                SegmentStats.from(entry.get()),
                Files.size(lastFile.get()),
                carried);
    }

    /** Whether {@code file} is uploaded or being uploaded; if neither, claims it for the reopen until commit. */
    private boolean uploadedOrUploading(Path file) throws IOException {
        boolean uploaded = ManifestStore.read(file.getParent())
                .flatMap(m -> m.file(file.getFileName().toString()))
                .map(e -> e.uploaded() || e.conflict())
                .orElse(false);
        return uploaded || !ManifestStore.claim(file);
    }

    /**
     * Types a jump from {@code expected} to the record's sequence: the part the stream no longer holds is
     * {@code retention_loss}, the rest {@code bus_gap}.
     */
    private List<Gap> jump(long expected, ArchiveRecord record) {
        long to = record.seq() - 1;
        Long before = open != null ? open.stats.lastTs() : null;
        Optional<StreamProbe.State> state = probe.state();
        long first = state.map(StreamProbe.State::firstSeq).orElse(expected);
        List<Gap> gaps = new ArrayList<>();
        if (first > expected) {
            long lostTo = Math.min(first - 1, to);
            gaps.add(new Gap(
                    Gap.RETENTION_LOSS,
                    expected,
                    lostTo,
                    before,
                    record.ts(),
                    null,
                    "the stream's first sequence was " + first + " when the archiver needed " + expected,
                    null,
                    null));
            expected = lostTo + 1;
        }
        if (expected <= to) {
            gaps.add(new Gap(
                    Gap.BUS_GAP,
                    expected,
                    to,
                    before,
                    record.ts(),
                    null,
                    state.isPresent() ? "sequences missing from the stream" : "stream state unavailable",
                    null,
                    null));
        }
        gaps.forEach(g ->
                log.warn("{} {}: seqs {}..{} missing", target.identity().stream(), g.type(), g.fromSeq(), g.toSeq()));
        return gaps;
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }
}
