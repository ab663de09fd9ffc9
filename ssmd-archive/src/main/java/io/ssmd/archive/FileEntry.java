package io.ssmd.archive;

import java.util.Map;
import java.util.TreeMap;

/**
 * One committed segment in a manifest.
 *
 * @param name          the file name ({@code 1215.jsonl.gz})
 * @param start         the earliest receive time in the file, epoch µs
 * @param end           the latest receive time in the file, epoch µs
 * @param records       lines in the file
 * @param bytes         the file's size on disk (compressed)
 * @param firstSeq      the first stream sequence in the file
 * @param lastSeq       the last stream sequence in the file
 * @param recordsByType lines by message type ({@code trade}, {@code control}, …)
 * @param md5           hex MD5 of the file's bytes: what a single-part upload's ETag must equal
 * @param uploaded      true only once the uploaded object was verified (size and MD5)
 */
public record FileEntry(
        String name,
        long start,
        long end,
        long records,
        long bytes,
        long firstSeq,
        long lastSeq,
        Map<String, Long> recordsByType,
        String md5,
        boolean uploaded) {

    public FileEntry {
        recordsByType = recordsByType == null ? Map.of() : new TreeMap<>(recordsByType);
    }

    /** The same entry, marked uploaded or not. */
    public FileEntry withUploaded(boolean value) {
        return new FileEntry(name, start, end, records, bytes, firstSeq, lastSeq, recordsByType, md5, value);
    }
}
