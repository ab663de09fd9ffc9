package io.ssmd.data.export;

import io.ssmd.core.meta.DataInventory;
import java.time.Instant;
import java.util.List;

/**
 * Records an export's files in {@code data_inventory} as data type {@code normalized} (DESIGN §14, §16): one row per
 * environment, feed, table and day, the table's file name ({@code trade}, {@code book}, {@code book_top10}) in the
 * {@code stream} column, with its rows, bytes, file, directory, schema versions, instruments and receive-time range.
 * The day is {@code complete} when its archive had no gap and every file was read, else {@code partial}.
 */
public final class ExportInventory {

    private ExportInventory() {}

    /** Writes (or rewrites) the rows of every file written; returns how many. Blocking. */
    public static int record(
            DataInventory inventory, String env, ExportSpec spec, ExportResult result, String processorVersion) {
        int recorded = 0;
        Instant now = Instant.now();
        for (ExportResult.Written w : result.files()) {
            if (w.file() == null) {
                continue;
            }
            boolean whole = result.days().stream()
                    .filter(d -> d.date().equals(w.date()))
                    .allMatch(ExportResult.DayReport::whole);
            inventory.record(
                    new DataInventory.Day(
                            new DataInventory.Key(env, spec.feed(), w.name(), DataInventory.NORMALIZED, w.date()),
                            w.file().toAbsolutePath().getParent() + "/",
                            spec.schemaVersion(w.type()),
                            w.instruments(),
                            w.rows(),
                            w.bytes(),
                            1,
                            w.first(),
                            w.last(),
                            whole ? DataInventory.COMPLETE : DataInventory.PARTIAL,
                            null,
                            processorVersion),
                    List.of(),
                    now);
            recorded++;
        }
        return recorded;
    }
}
