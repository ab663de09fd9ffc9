package io.ssmd.data.export;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What an export wrote and what it could not use.
 *
 * @param files   one entry per type and day, in day then type order; a type with no rows that day has no file
 * @param days    what each day's archive held that did not become a row
 * @param seconds      how long reading, normalizing and writing took
 * @param writeSeconds of which DuckDB's {@code COPY} to the files (the rest: reading, normalizing, appending rows)
 */
public record ExportResult(List<Written> files, List<DayReport> days, double seconds, double writeSeconds) {

    /**
     * One type of one day.
     *
     * @param file        the file written, or null when the day had no rows of this type
     * @param instruments distinct instruments in the rows
     * @param first       the earliest receive time in the rows (null without rows)
     * @param last        the latest receive time in the rows
     */
    public record Written(
            ExportType type,
            String name,
            LocalDate date,
            long rows,
            long bytes,
            Path file,
            int instruments,
            Instant first,
            Instant last) {}

    /**
     * A day's messages and what became of them: never a reason to stop the export, always reported.
     *
     * @param messages         archive lines read
     * @param events           normalized events of the wanted types written
     * @param noEvent          market-data messages the normalizer made nothing of (a venue's private or unknown
     *                         message, or one it could not read at all)
     * @param malformed        market-data messages kept raw (not JSON) or that the normalizer failed on, and ssmd book
     *                         snapshots that could not be read
     * @param unparsed         messages on the unparsed subject (frames the connector could not route)
     * @param outOfRange       events with a decimal that DECIMAL(38,18) cannot hold exactly: not written
     * @param deltasWithoutBook book deltas of an instrument whose book had no snapshot yet: nothing to apply them to
     * @param unreadable       files that could not be read to their end, with the reason (the lines before were used)
     * @param gaps             gaps the archive records for the day
     */
    public record DayReport(
            LocalDate date,
            long messages,
            long events,
            long noEvent,
            long malformed,
            long unparsed,
            long outOfRange,
            long deltasWithoutBook,
            List<String> unreadable,
            int gaps) {

        /** Whether the day's output holds everything the archive has (no gap, every file read). */
        public boolean whole() {
            return gaps == 0 && unreadable.isEmpty();
        }
    }

    /** Rows written over all files. */
    public long rows() {
        return files.stream().mapToLong(Written::rows).sum();
    }

    /** Archive lines read over all days. */
    public long messages() {
        return days.stream().mapToLong(DayReport::messages).sum();
    }
}
