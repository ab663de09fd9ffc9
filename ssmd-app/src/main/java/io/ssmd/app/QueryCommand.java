package io.ssmd.app;

import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.RemoteArchive;
import io.ssmd.core.config.ArchiverSpec;
import io.ssmd.core.config.ConfigException;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.data.query.QueryOutput;
import io.ssmd.data.query.QuerySession;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ssmd data query "SQL"}: SQL with DuckDB over views of the raw archive and of the exports (DESIGN §16,
 * docs/data-out.md). The feed and range are checked first and the gaps in the range listed on stderr, as every data
 * command does ({@link DataRange}).
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "SQL with DuckDB (in memory) over the archive and the exports. Views:",
            "  raw, raw_FEED  one row per archived message of the committed files the manifests list (gzip and"
                    + " zstd): ts (µs), time (TIMESTAMP, UTC), seq, env, feed, category, type, instrument, event,"
                    + " subject, id, data (JSON, never auto-typed), raw, raw_base64, file",
            "  gaps           the manifests' gaps: env, feed, stream, date, type, from_seq, to_seq, start_ts, end_ts,"
                    + " start_time, end_time, shard, reason, instruments, messages, file",
            "  trades, tickers, books, ...  the Parquet files of `ssmd data export` under --exports, one view per"
                    + " type present (--list-views says which)",
            "Example: ssmd data query --feed kraken \"select time_bucket(interval 1 minute, time) as minute,"
                    + " count(*) as trades from raw where type = 'trade' group by all order by all\""
        })
final class QueryCommand implements Callable<Integer> {

    /** Output formats. */
    static final List<String> FORMATS = List.of("table", "csv", "json");

    /** Rows a table shows unless told otherwise. */
    static final long TABLE_ROWS = 100;

    @ParentCommand
    DataCommand parent;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "SQL",
            description = "The statement to run (quote it); its last result is printed")
    String sql;

    @Option(
            names = "--format",
            paramLabel = "F",
            defaultValue = "table",
            description =
                    "table (aligned, the first --max-rows rows), csv or json (every row); default ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--feed", paramLabel = "F", description = "Only this feed (default: every feed under --root)")
    String feed;

    @Option(names = "--from", paramLabel = "D", description = "From this date (YYYY-MM-DD), inclusive (default: all)")
    LocalDate from;

    @Option(names = "--to", paramLabel = "D", description = "To this date (YYYY-MM-DD), inclusive (default: all)")
    LocalDate to;

    @Option(
            names = "--exports",
            paramLabel = "DIR",
            defaultValue = "./data/exports",
            description = "Where `ssmd data export` wrote its Parquet files ({DIR}/{feed}/{date}/{type}.parquet);"
                    + " default ${DEFAULT-VALUE}")
    Path exports;

    @Option(
            names = "--remote",
            description = "Fetch the days from the bucket of --env's archivers (storage.upload) into --cache first,"
                    + " and read them there")
    boolean remote;

    @Option(
            names = "--env",
            paramLabel = "FILE",
            description = "The environment YAML: only its environment is read; with --remote, its archivers' bucket")
    Path envFile;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            defaultValue = "./data/cache",
            description = "With --remote: the local copy of the bucket's days; default ${DEFAULT-VALUE}")
    Path cache;

    @Option(
            names = "--max-rows",
            paramLabel = "N",
            description = "Rows to print: a table shows " + TABLE_ROWS + " by default and says how many more there"
                    + " were; csv and json print every row unless limited")
    Long maxRows;

    @Option(names = "--list-views", description = "List the views and their columns, and run nothing")
    boolean listViews;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "application.conf to read the metadata database from (registry and inventory are checked"
                    + " first when it is reachable)")
    Path configFile;

    /** What was asked, checked by {@link #query}. */
    record Request(
            Optional<String> sql,
            String format,
            Optional<String> feed,
            Optional<LocalDate> from,
            Optional<LocalDate> to,
            Path root,
            Path exports,
            Optional<Long> maxRows,
            boolean listViews) {}

    @Override
    public Integer call() {
        Map<String, String> env = System.getenv();
        Path root = parent.root;
        Optional<String> envName = Optional.empty();
        if (remote && envFile == null) {
            System.err.println("ssmd data query: --remote needs --env FILE (the environment naming the bucket)");
            return 2;
        }
        if (envFile != null) {
            try {
                Environment environment = EnvironmentLoader.load(envFile, env);
                envName = Optional.of(environment.name());
                if (remote) {
                    mirror(environment, Optional.ofNullable(feed), from, to, cache, System.err);
                    root = cache;
                }
            } catch (ConfigException e) {
                System.err.println("ssmd data query: " + e.getMessage());
                return 2;
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("ssmd data query: " + e.getMessage());
                return 1;
            }
        }
        Request request = new Request(
                Optional.ofNullable(sql),
                format,
                Optional.ofNullable(feed),
                Optional.ofNullable(from),
                Optional.ofNullable(to),
                root,
                exports,
                Optional.ofNullable(maxRows),
                listViews);
        Optional<Database> db = Optional.empty();
        if (feed != null) {
            MetadataOptions options = new MetadataOptions();
            options.configFile = configFile;
            try {
                db = InventoryCommands.open(options, env, root, "ssmd data query", System.err);
            } catch (NodeConfig.InvalidNodeConfigException e) {
                System.err.println("ssmd data query: " + e.getMessage());
                return 2;
            }
        }
        try {
            return query(request, db, envName, System.out, System.err);
        } finally {
            db.ifPresent(Database::close);
        }
    }

    /**
     * Runs the request: exit 0 with the result on {@code out}; 1 when the feed or range has nothing to read or DuckDB
     * refuses the SQL (its message on {@code err}); 2 for a usage error.
     *
     * @param env the only environment to read; empty: every environment under the root
     */
    static int query(Request r, Optional<Database> db, Optional<String> env, PrintStream out, PrintStream err) {
        if (r.sql().isEmpty() && !r.listViews()) {
            err.println("ssmd data query: give a SQL statement to run, or --list-views (ssmd data query --help)");
            return 2;
        }
        if (!FORMATS.contains(r.format())) {
            err.println("ssmd data query: --format " + r.format() + " is not one of " + String.join(", ", FORMATS));
            return 2;
        }
        if (r.maxRows().isPresent() && r.maxRows().get() < 1) {
            err.println("ssmd data query: --max-rows must be at least 1, got "
                    + r.maxRows().get());
            return 2;
        }
        List<ArchiveSelection> archives;
        try {
            archives = select(r, db, env, err);
        } catch (UnknownNameException | DataRange.NothingToRead e) {
            err.println("ssmd data query: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("ssmd data query: " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException e) {
            err.println("ssmd data query: " + e.getMessage());
            return 1;
        }
        try (QuerySession session = QuerySession.open(archives, r.exports())) {
            if (r.listViews()) {
                TextTable table = TextTable.of("View", "Files", "Reads");
                session.views().forEach(v -> table.row(v.name(), v.files(), v.over()));
                table.print(out);
                return 0;
            }
            print(session, r, out);
            return 0;
        } catch (SQLException e) {
            err.println("ssmd data query: " + e.getMessage().strip());
            return 1;
        } catch (IOException e) {
            err.println("ssmd data query: " + e.getMessage());
            return 1;
        }
    }

    private static void print(QuerySession session, Request r, PrintStream out) throws SQLException, IOException {
        long limit = r.maxRows().orElse(r.format().equals("table") ? TABLE_ROWS : Long.MAX_VALUE);
        Object done = session.run(r.sql().get(), rs -> {
            switch (r.format()) {
                case "csv" -> QueryOutput.csv(rs, out, limit);
                case "json" -> QueryOutput.json(rs, out, limit);
                default -> table(QueryOutput.rows(rs, limit), out);
            }
            return Boolean.TRUE;
        });
        if (done == null) {
            out.println("ok");
        }
    }

    private static void table(QueryOutput.Rows rows, PrintStream out) {
        TextTable table = TextTable.of(rows.columns().toArray(String[]::new));
        rows.cells().forEach(table::row);
        table.print(out);
        long shown = rows.cells().size();
        if (rows.more() > 0) {
            out.printf(
                    "(%d rows shown, %d more: raise --max-rows, or use --format csv or json for every row)%n",
                    shown, rows.more());
        } else {
            out.printf("(%d row%s)%n", shown, shown == 1 ? "" : "s");
        }
    }

    /**
     * The archive to query: with a feed, that feed's days in each environment that archived it, checked by
     * {@link DataRange} (unknown feed: "Did you mean"; nothing in the range: why) with the gaps listed; without one,
     * every feed under the root, the gaps of each listed.
     */
    static List<ArchiveSelection> select(Request r, Optional<Database> db, Optional<String> env, PrintStream err)
            throws IOException {
        List<ArchiveSelection> archives = new ArrayList<>();
        if (r.feed().isPresent()) {
            String f = r.feed().get();
            LocalDate[] range = range(r, Optional.of(f));
            List<String> envs = env.map(List::of).orElse(ArchiveSelection.environments(r.root(), f));
            if (envs.isEmpty()) {
                // Nothing archived it: DataRange says what is known instead ("Did you mean", or the inventory).
                archives.add(DataRange.select(r.root(), db, Optional.empty(), f, range[0], range[1], err));
            }
            for (String e : envs) {
                archives.add(DataRange.select(r.root(), db, Optional.of(e), f, range[0], range[1], err));
            }
            return archives;
        }
        LocalDate[] range = range(r, Optional.empty());
        if (range[1].isBefore(range[0])) {
            throw new IllegalArgumentException("--to " + range[1] + " is before the first date " + range[0]);
        }
        for (Path envDir : directories(r.root())) {
            String e = envDir.getFileName().toString();
            if (env.isPresent() && !env.get().equals(e)) {
                continue;
            }
            for (Path feedDir : directories(envDir)) {
                ArchiveSelection selection = ArchiveSelection.select(
                        r.root(), Optional.of(e), feedDir.getFileName().toString(), range[0], range[1]);
                if (!selection.isEmpty()) {
                    err.print(selection.feed() + " (" + e + "): ");
                    DataRange.listGaps(selection, err);
                    archives.add(selection);
                }
            }
        }
        if (archives.isEmpty()) {
            err.println("note: no archived days under " + r.root()
                    + (r.from().isPresent() || r.to().isPresent() ? " in the range" : "") + ": raw is empty");
        }
        return archives;
    }

    /** The range asked for; a bound not given is the archive's first (last) day, today when it has none. */
    private static LocalDate[] range(Request r, Optional<String> feed) throws IOException {
        if (r.from().isPresent() && r.to().isPresent()) {
            return new LocalDate[] {r.from().get(), r.to().get()};
        }
        List<ArchiveInventory.Day> days = ArchiveInventory.days(r.root(), feed, Optional.empty(), Optional.empty());
        LocalDate first = days.stream()
                .map(ArchiveInventory.Day::date)
                .min(LocalDate::compareTo)
                .orElse(LocalDate.now(java.time.ZoneOffset.UTC));
        LocalDate last = days.stream()
                .map(ArchiveInventory.Day::date)
                .max(LocalDate::compareTo)
                .orElse(first);
        LocalDate from = r.from().orElse(first);
        LocalDate to = r.to().orElse(last.isBefore(from) ? from : last);
        return new LocalDate[] {from, to};
    }

    private static List<Path> directories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).sorted().toList();
        }
    }

    /**
     * {@code --remote}: the days of the range of each archiver's feeds (or of {@code feed}) fetched from the
     * archiver's bucket into {@code cache}, in the archive's layout; a progress line per archiver on {@code err}.
     */
    static void mirror(
            Environment environment, Optional<String> feed, LocalDate from, LocalDate to, Path cache, PrintStream err)
            throws IOException {
        LocalDate first = from != null ? from : LocalDate.of(1970, 1, 1);
        LocalDate last = to != null ? to : LocalDate.of(9999, 12, 31);
        boolean any = false;
        for (ArchiverSpec archiver : environment.archivers()) {
            if (archiver.storage().upload().isEmpty()) {
                continue;
            }
            any = true;
            List<String> feeds = archiver.sources().stream()
                    .map(s -> s.feed())
                    .distinct()
                    .filter(f -> feed.isEmpty() || feed.get().equals(f))
                    .toList();
            try (RemoteArchive bucket =
                    RemoteArchive.open(archiver.storage().upload().get())) {
                for (String f : feeds) {
                    long bytes = bucket.mirror(
                            archiver.storage().archiveRoot(),
                            cache,
                            environment.name(),
                            f,
                            first,
                            last,
                            (file, size) -> {});
                    err.printf(
                            "fetched %s of %s (%s) into %s: %,d bytes%n",
                            f, environment.name(), archiver.name(), cache, bytes);
                }
            }
        }
        if (!any) {
            throw new IllegalArgumentException(
                    "no archiver of " + environment.file() + " has storage.upload: --remote has no bucket to read");
        }
    }
}
