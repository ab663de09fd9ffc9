package io.ssmd.archive;

import io.ssmd.core.subject.ParsedSubject;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** What a segment holds, gathered line by line: while writing it, or when reading it back to rebuild a manifest. */
final class SegmentStats {

    private long records;
    private long minTs = Long.MAX_VALUE;
    private long maxTs = Long.MIN_VALUE;
    private long firstSeq;
    private long lastSeq;
    private long lastTs;
    private long clockSkew;
    private final Map<String, Long> byType = new HashMap<>();
    private final SortedSet<String> tickers = new TreeSet<>();
    private final SortedSet<String> types = new TreeSet<>();

    /** Starts from an existing entry: a reopened window keeps counting where its committed file ended. */
    static SegmentStats from(FileEntry entry) {
        SegmentStats stats = new SegmentStats();
        stats.records = entry.records();
        stats.minTs = entry.start();
        stats.maxTs = entry.end();
        stats.firstSeq = entry.firstSeq();
        stats.lastSeq = entry.lastSeq();
        stats.lastTs = entry.end();
        stats.clockSkew = entry.clockSkew();
        stats.byType.putAll(entry.recordsByType());
        return stats;
    }

    void add(long seq, long ts, ParsedSubject parts) {
        if (records == 0) {
            firstSeq = seq;
        }
        records++;
        lastSeq = seq;
        lastTs = ts;
        minTs = Math.min(minTs, ts);
        maxTs = Math.max(maxTs, ts);
        byType.merge(parts.recordType(), 1L, Long::sum);
        types.add(parts.recordType());
        parts.ticker().ifPresent(tickers::add);
    }

    /** Counts a line whose receive time was too far ahead of the archiver's clock. */
    void clockSkew() {
        clockSkew++;
    }

    long records() {
        return records;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** The receive time of the last line added, or null before any. */
    Long lastTs() {
        return records == 0 ? null : lastTs;
    }

    SortedSet<String> tickers() {
        return tickers;
    }

    SortedSet<String> types() {
        return types;
    }

    FileEntry entry(String name, long bytes, String md5, boolean uploaded) {
        return new FileEntry(name, minTs, maxTs, records, bytes, firstSeq, lastSeq, byType, md5, uploaded, clockSkew);
    }
}
