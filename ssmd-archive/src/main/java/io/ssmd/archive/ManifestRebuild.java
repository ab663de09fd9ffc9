package io.ssmd.archive;

import io.ssmd.core.subject.ParsedSubject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a stream directory's manifests in line with the files on disk at startup (DESIGN §6), so a restart never
 * forgets a file: a crash between a segment's rename and its manifest update leaves a file the manifest does not
 * list, and a lost or deleted manifest leaves files with none.
 *
 * <p>Leftover {@code .tmp} files are deleted: their messages were never committed and will be read again. A file the
 * manifest lists with the same size is trusted; any other file is read back and described anew. Gaps found only by
 * reading a file back are typed {@code bus_gap} for a jump in sequence (whether the stream had dropped the messages
 * is no longer known), {@code stream_reset} for a sequence that goes back, and from their control events for the
 * others. A listed file that is gone stays listed only if
 * it was uploaded (local retention removed it); otherwise it is dropped, with a warning.
 */
final class ManifestRebuild {

    private static final Logger log = LoggerFactory.getLogger(ManifestRebuild.class);

    /**
     * The archive of one stream as found on disk.
     *
     * @param lastSeq    the last committed stream sequence, 0 when nothing is archived
     * @param lastWindow the window start (µs) of the latest committed file, if any
     * @param lastFile   that file, if it is still on local disk
     * @param shards     what each shard last said, as of the last committed file
     * @param lastTs     the receive time (µs) of the last committed message, 0 when nothing is archived
     * @param streamCreated the creation time (epoch µs) of the stream the newest files were read from, 0 when no
     *                   manifest records it
     */
    record Position(
            long lastSeq,
            Optional<Long> lastWindow,
            Optional<Path> lastFile,
            List<ShardMark> shards,
            long lastTs,
            long streamCreated) {}

    private ManifestRebuild() {}

    static Position run(Path streamDir, ManifestIdentity identity, ManifestStore store) throws IOException {
        Files.createDirectories(streamDir);
        long lastSeq = 0;
        Optional<Long> lastWindow = Optional.empty();
        Optional<Path> lastFile = Optional.empty();
        List<ShardMark> shards = List.of();
        long lastTs = 0;
        long streamCreated = 0;
        for (Path dateDir : dateDirs(streamDir)) {
            long seqBefore = lastSeq;
            List<ShardMark> shardsBefore = shards;
            // Under the stream's manifest lock: an upload marked between reading a manifest and writing it back
            // would otherwise be lost.
            Manifest manifest = store.locked(dateDir, () -> rebuild(dateDir, identity, store, seqBefore, shardsBefore));
            if (!manifest.files().isEmpty()) {
                shards = manifest.shards();
            }
            lastTs = Math.max(lastTs, manifest.lastTs());
            if (manifest.streamCreated() != null) {
                streamCreated = manifest.streamCreated();
            }
            LocalDate date = LocalDate.parse(dateDir.getFileName().toString());
            for (FileEntry entry : manifest.files()) {
                lastSeq = after(lastSeq, manifest, entry);
                Optional<Long> window = ArchiveLayout.windowOf(date, entry.name());
                if (window.isPresent() && (lastWindow.isEmpty() || window.get() >= lastWindow.get())) {
                    lastWindow = window;
                    Path file = dateDir.resolve(entry.name());
                    lastFile = Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
                }
            }
        }
        return new Position(lastSeq, lastWindow, lastFile, shards, lastTs, streamCreated);
    }

    /**
     * The position after {@code entry}: the highest sequence so far, except that a file holding a
     * {@code stream_reset} starts counting again, since the stream's sequences did.
     */
    private static long after(long previous, Manifest manifest, FileEntry entry) {
        boolean reset = manifest.gaps().stream()
                .anyMatch(g -> g.type().equals(Gap.STREAM_RESET) && entry.name().equals(g.file()));
        return reset ? entry.lastSeq() : Math.max(previous, entry.lastSeq());
    }

    /** The date directories of a stream, oldest first. */
    static List<Path> dateDirs(Path streamDir) throws IOException {
        if (!Files.isDirectory(streamDir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(streamDir)) {
            return children.filter(Files::isDirectory)
                    .filter(p -> ArchiveLayout.isDateDir(p.getFileName().toString()))
                    .sorted()
                    .toList();
        }
    }

    /** {@code previousShards}: the shard marks of the previous day, where a day read back from its files starts. */
    private static Manifest rebuild(
            Path dateDir,
            ManifestIdentity identity,
            ManifestStore store,
            long previousSeq,
            List<ShardMark> previousShards)
            throws IOException {
        List<Path> segments = new ArrayList<>();
        try (Stream<Path> children = Files.list(dateDir)) {
            for (Path child : children.sorted().toList()) {
                String name = child.getFileName().toString();
                if (name.endsWith(ArchiveLayout.TMP)) {
                    Files.delete(child);
                    log.info("discarded {}: never committed, its messages are read again from the stream", child);
                } else if (ArchiveLayout.isSegment(name)) {
                    segments.add(child);
                }
            }
        }
        Manifest old = readOrEmpty(dateDir, identity);
        Manifest manifest = old.retainFiles(kept(old, segments, dateDir));
        long previous = previousSeq;
        boolean changed = manifest.files().size() != old.files().size();
        ControlGaps controls = new ControlGaps(old.shards().isEmpty() ? previousShards : old.shards());
        boolean scanned = false;
        for (Path segment : segments) {
            String name = segment.getFileName().toString();
            Optional<FileEntry> listed = old.file(name).filter(e -> e.bytes() == sizeOf(segment));
            if (listed.isPresent()) {
                previous = after(previous, old, listed.get());
                continue;
            }
            changed = true;
            log.warn("{} is not in its manifest (or its size differs): reading it back", segment);
            Scan scan = scan(segment, previous, old, controls);
            scanned = true;
            manifest = manifest.withFile(scan.entry(), scan.gaps(), scan.tickers(), scan.types());
            previous = after(previous, manifest, scan.entry());
        }
        if (scanned) {
            manifest = manifest.withShards(controls.marks());
        }
        if (changed) {
            store.write(dateDir, manifest);
        }
        return manifest;
    }

    private static Manifest readOrEmpty(Path dateDir, ManifestIdentity identity) {
        try {
            return ManifestStore.read(dateDir).orElseGet(() -> identity.empty(dateDir));
        } catch (IOException e) {
            log.warn("{}; rebuilding it from the files", e.getMessage());
            return identity.empty(dateDir);
        }
    }

    private static List<FileEntry> kept(Manifest old, List<Path> segments, Path dateDir) {
        List<String> present =
                segments.stream().map(p -> p.getFileName().toString()).toList();
        List<FileEntry> kept = new ArrayList<>();
        for (FileEntry entry : old.files()) {
            if (present.contains(entry.name()) || entry.uploaded()) {
                kept.add(entry);
            } else {
                log.warn(
                        "{} is listed in {} but missing and was never uploaded: dropped from the manifest",
                        entry.name(),
                        dateDir.resolve(ArchiveLayout.MANIFEST));
            }
        }
        return kept;
    }

    private record Scan(FileEntry entry, List<Gap> gaps, SortedSet<String> tickers, SortedSet<String> types) {}

    private static Scan scan(Path segment, long previousSeq, Manifest old, ControlGaps controls) throws IOException {
        String name = segment.getFileName().toString();
        SegmentStats stats = new SegmentStats();
        List<Gap> gaps = new ArrayList<>();
        long[] last = {previousSeq, 0};
        SegmentReader.read(segment, line -> {
            if (last[0] > 0 && line.seq() <= last[0]) {
                // The archiver never writes a sequence twice; one going back means the stream was reset there.
                Optional<Gap> known = old.gaps().stream()
                        .filter(g -> g.type().equals(Gap.STREAM_RESET) && name.equals(g.file()))
                        .findFirst();
                gaps.add(known.orElseGet(() -> new Gap(
                        Gap.STREAM_RESET,
                        last[0] + 1,
                        null,
                        last[1] == 0 ? null : last[1],
                        line.ts(),
                        null,
                        "found when rebuilding the manifest: seq " + line.seq() + " after " + last[0],
                        null,
                        name)));
                last[0] = line.seq() - 1;
            }
            if (last[0] > 0 && line.seq() > last[0] + 1) {
                long from = last[0] + 1;
                Optional<Gap> known = old.gaps().stream()
                        .filter(g -> g.missingSequences() && g.fromSeq() != null && g.fromSeq() == from)
                        .findFirst();
                gaps.add(known.map(g -> g.inFile(name))
                        .orElseGet(() -> new Gap(
                                Gap.BUS_GAP,
                                from,
                                line.seq() - 1,
                                last[1] == 0 ? null : last[1],
                                line.ts(),
                                null,
                                "found when rebuilding the manifest",
                                null,
                                name)));
            }
            last[0] = line.seq();
            last[1] = line.ts();
            stats.add(line.seq(), line.ts(), ParsedSubject.parse(line.subject()));
            line.control().ifPresent(event -> controls.on(line.seq(), event).forEach(g -> gaps.add(g.inFile(name))));
        });
        FileEntry entry = stats.entry(name, sizeOf(segment), md5(segment), false);
        return new Scan(entry, gaps, new TreeSet<>(stats.tickers()), new TreeSet<>(stats.types()));
    }

    /** Hex MD5 of a file's bytes. */
    static String md5(Path file) throws IOException {
        try (DigestInputStream in =
                new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
