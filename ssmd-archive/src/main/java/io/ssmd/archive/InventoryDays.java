package io.ssmd.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.meta.DataInventory;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A manifest as a {@code data_inventory} row and its {@code data_gaps} (DESIGN §14): the one mapping that both the
 * archiver ({@link InventoryWriter}) and {@code ssmd data inventory --rebuild} ({@link InventoryRebuild}) use, so a
 * rebuild writes exactly what the archiver wrote.
 *
 * <p>The status: {@code failed} when a file of the day failed verification (the bucket holds other bytes at its key);
 * else {@code processing} while the day is open (no later date directory of the stream exists: the archiver has not
 * moved past it); else {@code partial} when its gap log has gaps, {@code complete} when not.
 *
 * <p>The connector version: the distinct ssmd versions of the manifest's shard marks whose connection served the day
 * ({@link ShardMark#connectedDuring}), sorted and joined with {@code ,}; null when none says (an older manifest or
 * connector).
 */
public final class InventoryDays {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InventoryDays() {}

    /**
     * The row of {@code manifest}'s day.
     *
     * @param closed whether the stream has a later date directory
     */
    public static DataInventory.Day day(
            Manifest manifest, StorageSettings storage, Path dateDir, boolean closed, String processorVersion) {
        List<FileEntry> files = manifest.files();
        Instant first = files.stream().mapToLong(FileEntry::start).min().stream()
                .mapToObj(InventoryDays::instant)
                .findFirst()
                .orElse(null);
        Instant last = files.isEmpty() ? null : instant(manifest.lastTs());
        return new DataInventory.Day(
                new DataInventory.Key(
                        manifest.env(),
                        manifest.feed(),
                        manifest.stream(),
                        DataInventory.RAW,
                        LocalDate.parse(manifest.date())),
                storagePath(storage, dateDir),
                null,
                manifest.tickers().size(),
                manifest.records(),
                manifest.bytes(),
                files.size(),
                first,
                last,
                status(manifest, closed),
                connectorVersion(manifest),
                processorVersion);
    }

    /** The status of a day (see the class comment). */
    public static String status(Manifest manifest, boolean closed) {
        if (manifest.files().stream().anyMatch(FileEntry::conflict)) {
            return DataInventory.FAILED;
        }
        if (!closed) {
            return DataInventory.PROCESSING;
        }
        return manifest.gaps().isEmpty() ? DataInventory.COMPLETE : DataInventory.PARTIAL;
    }

    /**
     * The ssmd versions that ran the shards connected during {@code manifest}'s day, as its shard marks (as of the day's
     * last committed file) tell: sorted, distinct, joined with {@code ,}; null when no mark names one. A shard
     * reconnected during the day counts with the version of its last connection.
     */
    public static String connectorVersion(Manifest manifest) {
        long dayStart = micros(LocalDate.parse(manifest.date()));
        long dayEnd = micros(LocalDate.parse(manifest.date()).plusDays(1));
        TreeSet<String> versions = manifest.shards().stream()
                .filter(m -> m.version() != null && m.connectedDuring(dayStart, dayEnd))
                .map(ShardMark::version)
                .collect(Collectors.toCollection(TreeSet::new));
        return versions.isEmpty() ? null : String.join(",", versions);
    }

    /** The manifest's gap log, in its order. */
    public static List<DataInventory.GapRecord> gaps(Manifest manifest) {
        return manifest.gaps().stream().map(InventoryDays::gap).toList();
    }

    /**
     * Where a day's files are: their URL in the bucket when the archive uploads ({@code s3://bucket/prefix/env/...}),
     * else the local date directory.
     */
    public static String storagePath(StorageSettings storage, Path dateDir) {
        String relative = ArchiveLayout.relative(storage.archiveRoot(), dateDir);
        return storage.upload()
                .map(u -> "s3://" + u.bucket() + "/" + u.key(relative) + "/")
                .orElseGet(() -> dateDir.toAbsolutePath().normalize() + "/");
    }

    private static DataInventory.GapRecord gap(Gap g) {
        String instruments;
        try {
            instruments = g.instruments() == null ? null : JSON.writeValueAsString(g.instruments());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new DataInventory.GapRecord(
                g.type(),
                g.start() == null ? null : instant(g.start()),
                g.end() == null ? null : instant(g.end()),
                g.fromSeq(),
                g.toSeq(),
                g.shard(),
                g.reason(),
                instruments,
                g.messages(),
                g.file(),
                g.end() != null);
    }

    private static long micros(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
