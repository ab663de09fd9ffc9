package io.ssmd.archive;

import io.ssmd.core.meta.QualityIssueType;
import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.meta.QualityScore;
import io.ssmd.core.subject.ParsedSubject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gathers what the quality score of one feed's day is computed from (docs/inventory.md, "Quality score"), from
 * persisted data only: the day's inventory rows and quality issues in the database, and per stream its manifest and
 * files (the gaps and the minutes each instrument sent something in). A stream whose day directory is not on this
 * disk (only in the bucket) is scored from its stored gaps and counts, without the instruments component.
 */
public final class DailyQuality {

    private DailyQuality() {}

    /**
     * The day's score.
     *
     * @param streams the streams scored, and for each whether its files were read
     */
    public record FeedDay(String feed, LocalDate date, QualityScore.Result result, Map<String, Boolean> streams) {}

    /**
     * Scores {@code feed} on {@code date} from its inventory rows ({@code rows}, at least one) and issues.
     *
     * @throws IOException when a manifest or file on disk cannot be read
     */
    public static FeedDay score(
            QualityIssues issues, String feed, LocalDate date, List<QualityIssues.InventoryDay> rows)
            throws IOException {
        Instant dayStart = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant dayEnd = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<QualityScore.Interval> holes = new ArrayList<>();
        Map<String, Set<Long>> minutes = new HashMap<>();
        Map<String, Boolean> streams = new java.util.TreeMap<>();
        long records = 0;
        long resyncGaps = 0;
        Instant first = null;
        Instant last = null;
        for (QualityIssues.InventoryDay row : rows) {
            Path dir = Path.of(row.storagePath());
            Optional<Manifest> manifest = Files.isDirectory(dir) ? ManifestStore.read(dir) : Optional.empty();
            streams.put(row.stream(), manifest.isPresent());
            if (manifest.isPresent()) {
                Manifest m = manifest.get();
                records += m.records();
                for (FileEntry f : m.files()) {
                    first = min(first, micros(f.start()));
                    last = max(last, micros(f.end()));
                    Path file = dir.resolve(f.name());
                    if (Files.isRegularFile(file)) {
                        SegmentReader.read(
                                file,
                                line -> ParsedSubject.parse(line.subject())
                                        .ticker()
                                        .ifPresent(t -> minutes.computeIfAbsent(t, k -> new HashSet<>())
                                                .add(Math.floorDiv(line.ts(), 60_000_000L))));
                    }
                }
                for (Gap g : m.gaps()) {
                    if (QualityScore.NOT_HOLES.contains(g.type())) {
                        resyncGaps++;
                        continue;
                    }
                    holes.add(new QualityScore.Interval(
                            g.start() == null ? null : micros(g.start()), g.end() == null ? null : micros(g.end())));
                }
            } else {
                records += row.records();
                first = min(first, row.firstTimestamp());
                last = max(last, row.lastTimestamp());
                for (QualityIssues.GapTimes g : issues.gaps(row.id())) {
                    if (QualityScore.NOT_HOLES.contains(g.type())) {
                        resyncGaps++;
                        continue;
                    }
                    holes.add(new QualityScore.Interval(g.start(), g.end()));
                }
            }
        }
        for (QualityScore.Interval h : holes) {
            first = min(first, h.start());
            last = max(last, h.end());
        }
        Instant from = first == null || first.isBefore(dayStart) ? dayStart : first;
        Instant to = last == null || last.isAfter(dayEnd) ? dayEnd : last;
        if (to.isBefore(from)) {
            to = from;
        }
        long errors = 0;
        long resyncs = 0;
        // Only the issues of the streams scored: another environment's streams of the same feed are another day.
        Set<String> scoredStreams = new HashSet<>(streams.keySet());
        for (QualityIssues.Issue issue : issues.issues(feed, date)) {
            if (!scoredStreams.contains(issue.stream())) {
                continue;
            }
            if (QualityIssueType.Severity.ERROR.id().equals(issue.severity())) {
                errors += issue.count();
            }
            if (QualityIssueType.BOOK_RESYNC.id().equals(issue.issueType())) {
                resyncs += issue.count();
            }
        }
        QualityScore.Result result = QualityScore.compute(new QualityScore.Inputs(
                new QualityScore.Interval(from, to), holes, minutes, records, errors, Math.max(resyncs, resyncGaps)));
        return new FeedDay(feed, date, result, streams);
    }

    private static Instant micros(long micros) {
        return Instant.EPOCH.plusNanos(micros * 1000);
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
