package io.ssmd.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param md5           hex MD5 of the file's bytes: sent as {@code Content-MD5} with its upload
 * @param uploaded      true only once the uploaded object was verified (its size and the SHA-256 stored with it)
 * @param clockSkew     lines whose receive time was more than {@code clock-skew-limit} ahead of the archiver's clock:
 *                      written into this file's window, their times left out of {@code start} and {@code end}
 *                      (a {@code clock_skew} quality issue; absent from the JSON when 0)
 * @param sha256        hex SHA-256 of the bytes in the bucket, set when the upload was verified (absent before): what
 *                      {@code archive verify --remote} and local retention check the object against
 * @param conflict      the bucket holds other bytes at this file's key: they are never overwritten, so this file is
 *                      not uploaded, and {@code archive verify} reports it (absent when false)
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
        boolean uploaded,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long clockSkew,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sha256,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean conflict) {

    public FileEntry {
        recordsByType = recordsByType == null ? Map.of() : new TreeMap<>(recordsByType);
    }

    /** An entry not yet uploaded. */
    public FileEntry(
            String name,
            long start,
            long end,
            long records,
            long bytes,
            long firstSeq,
            long lastSeq,
            Map<String, Long> recordsByType,
            String md5,
            boolean uploaded,
            long clockSkew) {
        this(name, start, end, records, bytes, firstSeq, lastSeq, recordsByType, md5, uploaded, clockSkew, null, false);
    }

    /** An entry without clock-skewed lines. */
    public FileEntry(
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
        this(name, start, end, records, bytes, firstSeq, lastSeq, recordsByType, md5, uploaded, 0);
    }

    /** The same entry, marked uploaded or not. */
    public FileEntry withUploaded(boolean value) {
        return new FileEntry(
                name,
                start,
                end,
                records,
                bytes,
                firstSeq,
                lastSeq,
                recordsByType,
                md5,
                value,
                clockSkew,
                value ? sha256 : null,
                conflict);
    }

    /** The same entry, uploaded and verified as the object with SHA-256 {@code hex}. */
    public FileEntry verified(String hex) {
        return new FileEntry(
                name, start, end, records, bytes, firstSeq, lastSeq, recordsByType, md5, true, clockSkew, hex, false);
    }

    /** The same entry, marked as conflicting with other bytes already in the bucket at its key. */
    public FileEntry conflicting() {
        return new FileEntry(
                name, start, end, records, bytes, firstSeq, lastSeq, recordsByType, md5, false, clockSkew, null, true);
    }
}
