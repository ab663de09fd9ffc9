package io.ssmd.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.RemoteArchive;
import io.ssmd.core.SsmdVersion;
import io.ssmd.core.config.ArchiverSpec;
import io.ssmd.core.config.ConfigException;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.subject.Venue;
import io.ssmd.data.export.ExportFormat;
import io.ssmd.data.export.ExportInventory;
import io.ssmd.data.export.ExportResult;
import io.ssmd.data.export.ExportSchemas;
import io.ssmd.data.export.ExportSpec;
import io.ssmd.data.export.ExportType;
import io.ssmd.data.export.Exporter;
import io.ssmd.feeds.Venues;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ssmd data export} (DESIGN §16): the normalized model of a feed's archived days, made by ssmd's normalizers,
 * as typed Parquet (or CSV) files, one per type and day, recorded in the inventory as {@code normalized}.
 */
@Command(
        name = "export",
        description = "Write a feed's archived days as normalized, typed tables: one Parquet (or CSV) file per type"
                + " and day under OUT/FEED/DATE/, decimals as DECIMAL(38,18), times as TIMESTAMP (µs, UTC); recorded"
                + " in the data inventory as 'normalized' when a database is reachable.",
        mixinStandardHelpOptions = true)
final class ExportCommand implements Callable<Integer> {

    private static final String NAME = "ssmd data export";

    @ParentCommand
    DataCommand parent;

    @Mixin
    MetadataOptions options;

    @Option(names = "--feed", paramLabel = "F", required = true, description = "The feed")
    String feed;

    @Option(names = "--date", paramLabel = "D", required = true, description = "The (first) day, YYYY-MM-DD (UTC)")
    LocalDate date;

    @Option(names = "--to", paramLabel = "D", description = "The last day, inclusive (default: --date)")
    LocalDate to;

    @Option(
            names = "--format",
            paramLabel = "FMT",
            defaultValue = "parquet",
            description = "parquet or csv (default ${DEFAULT-VALUE})")
    String format;

    @Option(
            names = "--types",
            paramLabel = "T",
            split = ",",
            description = "Tables to write: trade, ticker, book, lifecycle (default: all)")
    List<String> types = new ArrayList<>();

    @Option(
            names = "--book-levels",
            paramLabel = "N",
            description = "Books as the top N levels of each side after every update (one row per update, file"
                    + " book_topN), instead of the changed levels with a snapshot flag")
    Integer bookLevels;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "./data/export",
            description = "Where the files go (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(
            names = "--env-from",
            paramLabel = "NAME",
            description = "The environment the feed was archived under (default: the only one that archived it)")
    String envFrom;

    @Option(
            names = "--remote",
            description = "Fetch the days from the bucket (storage.upload of --env) into --cache first")
    boolean remote;

    @Option(
            names = "--env",
            paramLabel = "FILE",
            description = "With --remote: the environment YAML whose storage.upload names the bucket")
    Path envFile;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            defaultValue = "./data/cache",
            description = "With --remote: the local copy of the bucket's days (default ${DEFAULT-VALUE})")
    Path cache;

    @Override
    public Integer call() {
        return run(System.getenv(), System.out, System.err);
    }

    int run(Map<String, String> env, PrintStream out, PrintStream err) {
        ExportFormat fmt;
        Set<ExportType> wanted;
        try {
            fmt = ExportFormat.parse(format);
            wanted = ExportType.parse(types);
        } catch (UnknownNameException e) {
            err.println(NAME + ": " + e.getMessage());
            return 2;
        }
        if (bookLevels != null && bookLevels < 1) {
            err.println(NAME + ": --book-levels must be at least 1, got " + bookLevels);
            return 2;
        }
        if (remote && envFile == null) {
            err.println(NAME + ": --remote needs --env FILE (the environment whose storage.upload names the bucket)");
            return 2;
        }
        LocalDate last = to == null ? date : to;
        Optional<Database> db = InventoryCommands.open(options, env, parent.root, NAME, err);
        try {
            Path root = parent.root;
            if (remote) {
                root = mirror(env, last, err);
            }
            ArchiveSelection selection =
                    DataRange.select(root, db, Optional.ofNullable(envFrom), feed, date, last, err);
            Normalizer normalizer = normalizer(db);
            Map<String, Integer> versions =
                    db.map(d -> ExportSchemas.fromRegistry(Metadata.of(d))).orElseGet(ExportSchemas::shipped);
            ExportSpec spec = new ExportSpec(
                    feed, outDir, fmt, wanted, bookLevels == null ? 0 : bookLevels, versions, SsmdVersion.current());
            ExportResult result = new Exporter(spec, normalizer, err).export(selection);
            int recorded = db.map(d -> ExportInventory.record(
                            new DataInventory(Metadata.of(d)), selection.env(), spec, result, SsmdVersion.current()))
                    .orElse(0);
            print(result, recorded, db.isPresent(), out);
            return 0;
        } catch (UnknownNameException | DataRange.NothingToRead | IllegalArgumentException e) {
            err.println(NAME + ": " + e.getMessage());
            return 1;
        } catch (IOException | SQLException | ConfigException e) {
            err.println(NAME + ": " + e.getMessage());
            return 1;
        } finally {
            db.ifPresent(Database::close);
        }
    }

    /** The venue's normalizer: the registry's venue of the feed, else the venue the feed is named after. */
    private Normalizer normalizer(Optional<Database> db) {
        Optional<String> venue = Optional.empty();
        if (db.isPresent()) {
            try {
                venue = Optional.of(
                        new FeedRegistry(Metadata.of(db.get())).feed(feed).venue());
            } catch (UnknownNameException e) {
                // Archived but never registered here: the name may still be the venue's.
            }
        }
        String id = venue.orElse(feed);
        Venue v = Venue.byId(id)
                .orElseThrow(() -> new IllegalArgumentException("cannot tell which venue feed '" + feed
                        + "' is of: it is not in the feed registry and is not named after a venue (" + Venue.ids()
                        + "); register its feed file with 'ssmd feed create'"));
        return Venues.of(v).normalizer();
    }

    /** Fetches the range's days from the bucket into the cache; returns the cache as the archive root. */
    private Path mirror(Map<String, String> env, LocalDate last, PrintStream err) throws IOException {
        List<StorageSettings> storages = EnvironmentLoader.load(envFile, env).archivers().stream()
                .map(ArchiverSpec::storage)
                .filter(s -> s.upload().isPresent())
                .toList();
        if (storages.isEmpty()) {
            throw new IllegalArgumentException(envFile + " has no archiver with storage.upload: no bucket to read");
        }
        StorageSettings storage = storages.get(0);
        String archiveEnv =
                envFrom != null ? envFrom : EnvironmentLoader.load(envFile, env).name();
        try (RemoteArchive bucket = RemoteArchive.open(storage.upload().get())) {
            long bytes = bucket.mirror(storage.archiveRoot(), cache, archiveEnv, feed, date, last, (file, size) -> {});
            err.printf("fetched %,d bytes from the bucket into %s%n", bytes, cache);
        }
        return cache;
    }

    private void print(ExportResult result, int recorded, boolean database, PrintStream out) {
        if (options.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("files", result.files());
            json.put("days", result.days());
            json.put("rows", result.rows());
            json.put("messages", result.messages());
            json.put("seconds", result.seconds());
            json.put("inventoryRows", recorded);
            try {
                out.println(new ObjectMapper()
                        .registerModule(new JavaTimeModule())
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .writeValueAsString(json));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        TextTable files = TextTable.of("Type", "Day", "Rows", "Bytes", "File");
        for (ExportResult.Written w : result.files()) {
            files.row(w.name(), w.date().toString(), w.rows(), w.bytes(), w.file() == null ? "(no rows)" : w.file());
        }
        files.print(out);
        out.println();
        TextTable days = TextTable.of(
                "Day",
                "Messages",
                "Events",
                "No event",
                "Malformed",
                "Unparsed",
                "Out of range",
                "Deltas before book",
                "Unreadable files",
                "Gaps");
        for (ExportResult.DayReport d : result.days()) {
            days.row(
                    d.date().toString(),
                    d.messages(),
                    d.events(),
                    d.noEvent(),
                    d.malformed(),
                    d.unparsed(),
                    d.outOfRange(),
                    d.deltasWithoutBook(),
                    d.unreadable().size(),
                    d.gaps());
        }
        days.print(out);
        result.days().stream().flatMap(d -> d.unreadable().stream()).forEach(u -> out.println("unreadable: " + u));
        double rate = result.seconds() > 0 ? result.rows() / result.seconds() : 0;
        out.printf(
                "%,d rows from %,d messages in %.1f s (%,.0f rows/s); %s%n",
                result.rows(),
                result.messages(),
                result.seconds(),
                rate,
                database
                        ? recorded + " inventory rows recorded as normalized"
                        : "no database: nothing recorded in the inventory");
    }
}
