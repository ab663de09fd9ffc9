package io.ssmd.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Checks an archive against its manifests ({@code ssmd archive verify DIR}): every file decompresses whole, its size,
 * MD5, line count and first/last sequence match its manifest entry, sequences rise by one from line to line and file
 * to file except across a recorded {@code bus_gap} or {@code retention_loss}, and no sequence appears twice except
 * after a recorded {@code stream_reset} (the stream was recreated: its sequences start again, once, in that file). Files
 * that are uploaded and no longer local are checked by their manifest entries only.
 */
public final class ArchiveVerifier {

    /** One inconsistency, with the file or directory it concerns. */
    public record Problem(Path where, String what) {
        @Override
        public String toString() {
            return where + ": " + what;
        }
    }

    /**
     * What one stream directory holds.
     *
     * @param gaps gaps by type
     * @param recordsByType records by message type ({@code trade}, {@code control}, …), as the manifests count them
     * @param failedMessages the messages the {@code publish_failed} gaps stand for: received by ssmd but never
     *                       stored, so what the venue sent is {@code recordsByType}'s market data plus these
     */
    public record StreamSummary(
            Path streamDir,
            int days,
            int files,
            long records,
            long firstSeq,
            long lastSeq,
            Map<String, Integer> gaps,
            int notLocal,
            Map<String, Long> recordsByType,
            long failedMessages) {}

    /** The outcome: consistent when there are no problems. */
    public record Report(List<StreamSummary> streams, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private ArchiveVerifier() {}

    /** Verifies every stream directory under {@code dir} (an archive root, or any directory within one). */
    public static Report verify(Path dir) throws IOException {
        return verify(dir, Optional.empty());
    }

    /**
     * Verifies every stream directory under {@code dir} and, with {@code remote}, compares the bucket with the
     * manifests too ({@code ssmd archive verify --remote}): every file listed as uploaded is in the bucket with its
     * size and SHA-256, and every segment object is listed by a manifest.
     */
    public static Report verify(Path dir, Optional<RemoteArchive> remote) throws IOException {
        List<Problem> problems = new ArrayList<>();
        List<StreamSummary> streams = new ArrayList<>();
        Map<Path, List<Path>> byStream = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.getFileName().toString().equals(ArchiveLayout.MANIFEST))
                    .map(Path::getParent)
                    .filter(p -> ArchiveLayout.isDateDir(p.getFileName().toString()))
                    .forEach(p -> byStream.computeIfAbsent(p.getParent(), k -> new ArrayList<>())
                            .add(p));
        }
        if (byStream.isEmpty()) {
            problems.add(new Problem(dir, "no manifest.json found: not an archive directory"));
        }
        for (Map.Entry<Path, List<Path>> stream : byStream.entrySet()) {
            List<Path> dateDirs = stream.getValue().stream().sorted().toList();
            streams.add(verifyStream(stream.getKey(), dateDirs, problems));
            if (remote.isPresent()) {
                List<Manifest> manifests = new ArrayList<>();
                for (Path dateDir : dateDirs) {
                    manifests.add(ManifestStore.read(dateDir).orElseThrow());
                }
                // {root}/{env}/{feed}/{stream}: the keys mirror the layout under the root.
                Path root =
                        stream.getKey().toAbsolutePath().getParent().getParent().getParent();
                problems.addAll(remote.get()
                        .verify(
                                root,
                                stream.getKey().toAbsolutePath(),
                                dateDirs.stream().map(Path::toAbsolutePath).toList(),
                                manifests));
            }
        }
        return new Report(streams, problems);
    }

    private static StreamSummary verifyStream(Path streamDir, List<Path> dateDirs, List<Problem> problems)
            throws IOException {
        List<Manifest> manifests = new ArrayList<>();
        for (Path dateDir : dateDirs) {
            manifests.add(ManifestStore.read(dateDir).orElseThrow());
        }
        List<long[]> missing = new ArrayList<>();
        Map<Path, Integer> resets = new HashMap<>();
        Map<String, Integer> gapCounts = new LinkedHashMap<>();
        long failedMessages = 0;
        for (int i = 0; i < manifests.size(); i++) {
            for (Gap gap : manifests.get(i).gaps()) {
                gapCounts.merge(gap.type(), 1, Integer::sum);
                if (gap.inverted()) {
                    problems.add(new Problem(
                            dateDirs.get(i).resolve(ArchiveLayout.MANIFEST),
                            "gap " + gap.type() + (gap.shard() != null ? " of " + gap.shard() : "") + " ends at seq "
                                    + gap.toSeq() + " before it starts at seq " + gap.fromSeq()));
                }
                if (gap.type().equals(Gap.PUBLISH_FAILED)) {
                    failedMessages += gap.messages() == null ? 1 : gap.messages();
                }
                if (gap.type().equals(Gap.STREAM_RESET) && gap.file() != null) {
                    resets.merge(dateDirs.get(i).resolve(gap.file()), 1, Integer::sum);
                }
                if (gap.missingSequences() && gap.fromSeq() != null && gap.toSeq() != null) {
                    missing.add(new long[] {gap.fromSeq(), gap.toSeq()});
                }
            }
        }
        missing.sort(Comparator.comparingLong(r -> r[0]));
        Continuity continuity = new Continuity(missing, resets, problems);
        int files = 0;
        int notLocal = 0;
        long records = 0;
        Map<String, Long> byType = new TreeMap<>();
        for (int i = 0; i < dateDirs.size(); i++) {
            Path dateDir = dateDirs.get(i);
            Manifest manifest = manifests.get(i);
            checkListing(dateDir, manifest, problems);
            for (FileEntry entry : manifest.files()) {
                files++;
                records += entry.records();
                entry.recordsByType().forEach((type, n) -> byType.merge(type, n, Long::sum));
                Path file = dateDir.resolve(entry.name());
                if (entry.conflict()) {
                    problems.add(new Problem(
                            file,
                            "not uploaded: the bucket holds other bytes at its key (conflict; the object was left"
                                    + " as it is)"));
                }
                if (!Files.exists(file)) {
                    if (entry.uploaded()) {
                        notLocal++;
                        continuity.file(file, entry.firstSeq(), entry.lastSeq());
                    } else {
                        problems.add(new Problem(file, "listed in the manifest but missing, and never uploaded"));
                    }
                    continue;
                }
                checkFile(file, entry, continuity, problems);
            }
        }
        return new StreamSummary(
                streamDir,
                dateDirs.size(),
                files,
                records,
                continuity.first,
                continuity.last,
                gapCounts,
                notLocal,
                byType,
                failedMessages);
    }

    private static void checkListing(Path dateDir, Manifest manifest, List<Problem> problems) throws IOException {
        try (Stream<Path> children = Files.list(dateDir)) {
            for (Path child : children.sorted().toList()) {
                String name = child.getFileName().toString();
                if (ArchiveLayout.isSegment(name) && manifest.file(name).isEmpty()) {
                    problems.add(new Problem(child, "on disk but not in the manifest"));
                } else if (name.endsWith(ArchiveLayout.TMP)) {
                    problems.add(new Problem(
                            child,
                            "uncommitted leftover (an archiver is writing it, or crashed;"
                                    + " the archiver discards it when it starts)"));
                }
            }
        }
    }

    private static void checkFile(Path file, FileEntry entry, Continuity continuity, List<Problem> problems)
            throws IOException {
        long size = Files.size(file);
        if (size != entry.bytes()) {
            problems.add(new Problem(file, "size " + size + " bytes, manifest says " + entry.bytes()));
        }
        if (entry.md5() != null && !entry.md5().equals(ManifestRebuild.md5(file))) {
            problems.add(new Problem(file, "MD5 differs from the manifest's"));
        }
        long[] count = {0};
        long[] first = {-1};
        long[] last = {-1};
        try {
            SegmentReader.read(file, line -> {
                count[0]++;
                if (first[0] < 0) {
                    first[0] = line.seq();
                }
                last[0] = line.seq();
                continuity.seq(file, line.seq());
            });
        } catch (IOException e) {
            problems.add(new Problem(file, "unreadable after line " + count[0] + ": " + e.getMessage()));
            return;
        }
        if (count[0] != entry.records()) {
            problems.add(new Problem(file, count[0] + " records, manifest says " + entry.records()));
        }
        if (first[0] != entry.firstSeq() || last[0] != entry.lastSeq()) {
            problems.add(new Problem(
                    file,
                    "seqs " + first[0] + ".." + last[0] + ", manifest says " + entry.firstSeq() + ".."
                            + entry.lastSeq()));
        }
    }

    /** Sequence order across a stream: each is the previous + 1, or the jump is covered by recorded gaps. */
    private static final class Continuity {
        private final List<long[]> missing;
        private final Map<Path, Integer> resets;
        private final List<Problem> problems;
        private Path reported;
        long first = -1;
        long last = -1;

        Continuity(List<long[]> missing, Map<Path, Integer> resets, List<Problem> problems) {
            this.missing = missing;
            this.resets = resets;
            this.problems = problems;
        }

        void seq(Path file, long seq) {
            if (first < 0) {
                first = seq;
            } else if (seq != last + 1 && resets.getOrDefault(file, 0) > 0) {
                // The stream was recreated here: its sequences start again, wherever the new stream begins.
                resets.merge(file, -1, Integer::sum);
            } else if (seq <= last) {
                report(file, "seq " + seq + " after " + last + (seq == last ? " (twice)" : " (out of order)"));
                return;
            } else if (seq > last + 1 && !covered(last + 1, seq - 1)) {
                report(
                        file,
                        "seqs " + (last + 1) + ".." + (seq - 1) + " missing with no bus_gap or retention_loss"
                                + " recorded");
            }
            last = seq;
        }

        /** One continuity problem per file: a misplaced file would otherwise report each of its lines. */
        private void report(Path file, String what) {
            if (!file.equals(reported)) {
                reported = file;
                problems.add(new Problem(file, what));
            }
        }

        /** An uploaded file not on local disk: its range as the manifest gives it. */
        void file(Path file, long firstSeq, long lastSeq) {
            seq(file, firstSeq);
            last = Math.max(last, lastSeq);
        }

        private boolean covered(long from, long to) {
            long next = from;
            for (long[] range : missing) {
                if (range[0] > next) {
                    break;
                }
                next = Math.max(next, range[1] + 1);
            }
            return next > to;
        }
    }
}
