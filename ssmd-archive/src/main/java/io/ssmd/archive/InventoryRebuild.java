package io.ssmd.archive;

import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.ArchiverSpec;
import io.ssmd.core.config.Environment;
import io.ssmd.core.meta.DataInventory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code ssmd data inventory --rebuild}: writes the {@code data_inventory} rows and {@code data_gaps} of an
 * environment's archived streams from their manifests, on local disk or in the bucket, with the mapping the archiver
 * uses ({@link InventoryDays}), so the database can always be recovered from the archive. Quality columns and issues
 * are left as they are.
 */
public final class InventoryRebuild {

    /** One day written. */
    public record Written(String feed, String stream, LocalDate date, String status, int gaps) {}

    /** Which days to rebuild; each part empty for all. */
    public record Scope(Optional<String> feed, Optional<LocalDate> from, Optional<LocalDate> to, boolean remote) {}

    private InventoryRebuild() {}

    /**
     * Rebuilds the days of {@code environment}'s archived streams within {@code scope}.
     *
     * @throws IOException when a manifest or the bucket cannot be read (naming which)
     */
    public static List<Written> run(
            Environment environment, Scope scope, DataInventory inventory, String processorVersion) throws IOException {
        return run(environment.name(), environment.archivers(), scope, inventory, processorVersion);
    }

    /** Rebuilds the days of the streams {@code archivers} archive for environment {@code env} within {@code scope}. */
    public static List<Written> run(
            String env, List<ArchiverSpec> archivers, Scope scope, DataInventory inventory, String processorVersion)
            throws IOException {
        List<Written> written = new ArrayList<>();
        Instant now = Instant.now();
        for (ArchiverSpec archiver : archivers) {
            for (ArchiveSource source : archiver.sources()) {
                if (scope.feed().filter(f -> !f.equals(source.feed())).isPresent()) {
                    continue;
                }
                Path root = archiver.storage().archiveRoot();
                Path streamDir = ArchiveLayout.streamDir(root, env, source.feed(), source.stream());
                SortedMap<String, Manifest> manifests =
                        scope.remote() ? remote(archiver, root, streamDir) : local(streamDir);
                List<Map.Entry<String, Manifest>> days = new ArrayList<>(manifests.entrySet());
                for (int i = 0; i < days.size(); i++) {
                    LocalDate date = LocalDate.parse(days.get(i).getKey());
                    if (scope.from().filter(date::isBefore).isPresent()
                            || scope.to().filter(date::isAfter).isPresent()) {
                        continue;
                    }
                    Manifest m = days.get(i).getValue();
                    boolean closed = i < days.size() - 1;
                    DataInventory.Day day = InventoryDays.day(
                            m, archiver.storage(), streamDir.resolve(days.get(i).getKey()), closed, processorVersion);
                    inventory.record(day, InventoryDays.gaps(m), now);
                    written.add(new Written(
                            source.feed(),
                            source.stream(),
                            date,
                            day.status(),
                            m.gaps().size()));
                }
            }
        }
        return written;
    }

    private static SortedMap<String, Manifest> local(Path streamDir) throws IOException {
        SortedMap<String, Manifest> manifests = new TreeMap<>();
        for (Path dateDir : InventoryWriter.manifestDirs(streamDir)) {
            ManifestStore.read(dateDir)
                    .ifPresent(m -> manifests.put(dateDir.getFileName().toString(), m));
        }
        return manifests;
    }

    private static SortedMap<String, Manifest> remote(ArchiverSpec archiver, Path root, Path streamDir)
            throws IOException {
        if (archiver.storage().upload().isEmpty()) {
            throw new IOException(
                    "archiver " + archiver.name() + " has no storage.upload: --remote has no bucket to read");
        }
        try (RemoteArchive remote =
                RemoteArchive.open(archiver.storage().upload().get())) {
            return remote.manifests(root, streamDir);
        }
    }
}
