package io.ssmd.data.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.Gap;
import io.ssmd.data.query.QuerySession.View;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The views {@code ssmd data query} defines in its DuckDB connection (DESIGN §16): {@code raw} (and {@code raw_FEED}
 * per feed) over the archive's lines, {@code gaps} from the manifests, and one view per exported Parquet type
 * ({@code trades}, {@code tickers}, {@code books}, whatever the exports hold).
 *
 * <p>The raw view reads exactly the files the manifests list as committed ({@link ArchiveSelection#files()}), never a
 * glob: a leftover or half-written file on disk is not archive. Its columns are given explicitly, {@code data} as
 * {@code JSON}: DuckDB's type inference would make the frame a STRUCT typed by the first lines it samples, and Kalshi's
 * move from integer cents to dollar strings would then fail or silently cast a whole day.
 */
final class QueryViews {

    /** The raw view's columns, for {@code --list-views} and docs/data-out.md. */
    static final String RAW_COLUMNS = "ts, time, seq, env, feed, category, type, instrument, event, subject, id, data,"
            + " raw, raw_base64, file";

    static final String GAP_COLUMNS = "env, feed, stream, date, type, from_seq, to_seq, start_ts, end_ts, start_time,"
            + " end_time, shard, reason, instruments, messages, file";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A line's fields as the archive writes them (docs/archive.md, Line format). A frame's JSON objects can be large
     * (a book snapshot of thousands of levels), so the per-object limit is raised above NATS's 8 MB payload with room
     * for escaping.
     */
    private static final String READ_OPTIONS = "format='newline_delimited', records=true, hive_partitioning=false,"
            + " maximum_object_size=67108864, filename=true, columns={ts: 'BIGINT', seq: 'BIGINT',"
            + " subject: 'VARCHAR', id: 'VARCHAR', data: 'JSON', raw: 'VARCHAR', raw_base64: 'VARCHAR'}";

    /** The same columns, no rows: the raw view of an archive without files. */
    private static final String NO_LINES = "SELECT NULL::BIGINT AS ts, NULL::BIGINT AS seq, NULL::VARCHAR AS subject,"
            + " NULL::VARCHAR AS id, NULL::JSON AS data, NULL::VARCHAR AS raw, NULL::VARCHAR AS raw_base64,"
            + " NULL::VARCHAR AS filename WHERE false";

    /**
     * The subject split as {@code io.ssmd.core.subject.ParsedSubject} reads it (DESIGN §4): {@code type} is what the
     * manifest counts by ({@code records_by_type}): the market-data type, {@code system}, {@code unparsed},
     * {@code control}, {@code ssmd.book} or {@code other}.
     */
    private static final String SPLIT = """
            SELECT ts, make_timestamp(ts) AS time, seq,
              CASE WHEN len(p) > 1 THEN p[1] END AS env,
              CASE WHEN len(p) > 1 THEN p[2] END AS feed,
              CASE WHEN NOT blank AND len(p) = 6 AND p[4] = 'json' THEN p[3] END AS category,
              CASE WHEN blank THEN 'other'
                   WHEN len(p) = 5 AND p[3] = 'json' THEN p[4]
                   WHEN len(p) = 6 AND p[4] = 'json' THEN p[5]
                   WHEN len(p) = 5 AND p[3] = 'control' THEN 'control'
                   WHEN len(p) = 5 AND p[3] = 'ssmd' AND p[4] = 'book' THEN 'ssmd.book'
                   ELSE 'other' END AS type,
              CASE WHEN blank THEN NULL
                   WHEN len(p) = 5 AND p[3] = 'json' AND p[4] NOT IN ('system', 'unparsed') THEN p[5]
                   WHEN len(p) = 6 AND p[4] = 'json' THEN p[6]
                   WHEN len(p) = 5 AND p[3] = 'ssmd' AND p[4] = 'book' THEN p[5] END AS instrument,
              CASE WHEN NOT blank AND len(p) = 5 AND p[3] = 'control' THEN p[4] END AS event,
              subject, id, data, raw, raw_base64, filename AS file
            FROM (SELECT *, string_split(subject, '.') AS p, list_contains(string_split(subject, '.'), '') AS blank
                  FROM %s)
            """;

    private QueryViews() {}

    /**
     * Defines every view in {@code connection} and says which it made.
     *
     * @param archives the selected archive of each feed (and environment)
     * @param exports  the export directory ({@code {exports}/{feed}/{date}/{type}.parquet}); absent or empty: no export
     *                 views
     */
    static List<View> define(Connection connection, List<ArchiveSelection> archives, Path exports)
            throws SQLException, IOException {
        List<View> views = new ArrayList<>();
        List<Path> all = archives.stream().flatMap(a -> a.files().stream()).toList();
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE VIEW raw AS " + SPLIT.formatted(source(all)));
            views.add(new View("raw", "archive lines, every feed (" + RAW_COLUMNS + ")", all.size()));
            Map<String, List<Path>> byFeed = new TreeMap<>();
            for (ArchiveSelection a : archives) {
                byFeed.computeIfAbsent(a.feed(), f -> new ArrayList<>()).addAll(a.files());
            }
            Set<String> names = new HashSet<>();
            for (Map.Entry<String, List<Path>> feed : byFeed.entrySet()) {
                String name = "raw_" + identifier(feed.getKey());
                if (names.add(name)) {
                    s.execute("CREATE VIEW " + name + " AS " + SPLIT.formatted(source(feed.getValue())));
                    views.add(new View(
                            name,
                            "archive lines of " + feed.getKey() + " (columns of raw)",
                            feed.getValue().size()));
                }
            }
        }
        views.add(new View("gaps", "the manifests' gaps (" + GAP_COLUMNS + ")", loadGaps(connection, archives)));
        views.addAll(exportViews(connection, exports));
        return List.copyOf(views);
    }

    private static String source(List<Path> files) {
        if (files.isEmpty()) {
            return "(" + NO_LINES + ")";
        }
        return "read_json(["
                + files.stream()
                        .map(f -> literal(f.toAbsolutePath().toString()))
                        .collect(Collectors.joining(", "))
                + "], " + READ_OPTIONS + ")";
    }

    private static long loadGaps(Connection connection, List<ArchiveSelection> archives)
            throws SQLException, IOException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE gaps (env VARCHAR, feed VARCHAR, stream VARCHAR, date DATE, type VARCHAR,"
                    + " from_seq BIGINT, to_seq BIGINT, start_ts BIGINT, end_ts BIGINT, start_time TIMESTAMP,"
                    + " end_time TIMESTAMP, shard VARCHAR, reason VARCHAR, instruments VARCHAR[], messages BIGINT,"
                    + " file VARCHAR)");
        }
        long rows = 0;
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO gaps VALUES (?, ?, ?, ?::DATE, ?, ?,"
                + " ?, ?, ?, make_timestamp(?), make_timestamp(?), ?, ?, CAST(? AS JSON)::VARCHAR[], ?, ?)")) {
            for (ArchiveSelection a : archives) {
                for (ArchiveSelection.StreamDays stream : a.streams()) {
                    for (ArchiveSelection.Day day : stream.days()) {
                        for (Gap g : day.gaps()) {
                            insert.setString(1, a.env());
                            insert.setString(2, a.feed());
                            insert.setString(3, stream.stream());
                            insert.setString(4, day.date().toString());
                            insert.setString(5, g.type());
                            insert.setObject(6, g.fromSeq());
                            insert.setObject(7, g.toSeq());
                            insert.setObject(8, g.start());
                            insert.setObject(9, g.end());
                            insert.setObject(10, g.start());
                            insert.setObject(11, g.end());
                            insert.setString(12, g.shard());
                            insert.setString(13, g.reason());
                            insert.setString(
                                    14, g.instruments() == null ? null : JSON.writeValueAsString(g.instruments()));
                            insert.setObject(15, g.messages());
                            insert.setString(16, g.file());
                            insert.addBatch();
                            rows++;
                        }
                    }
                }
            }
            if (rows > 0) {
                insert.executeBatch();
            }
        }
        return rows;
    }

    /**
     * One view per type the exports hold, named in the plural ({@code trade.parquet} files make {@code trades}), over
     * every feed's and day's file of that type; {@code union_by_name}, so a day written with a newer schema (a column
     * added) still reads with the older ones.
     */
    private static List<View> exportViews(Connection connection, Path exports) throws SQLException, IOException {
        if (exports == null || !Files.isDirectory(exports)) {
            return List.of();
        }
        Map<String, List<Path>> byType = new LinkedHashMap<>();
        try (Stream<Path> files = Files.find(
                exports,
                3,
                (p, a) -> a.isRegularFile()
                        && p.getFileName().toString().endsWith(".parquet")
                        && exports.relativize(p).getNameCount() == 3)) {
            files.sorted().forEach(p -> {
                String name = p.getFileName().toString();
                String type = name.substring(0, name.length() - ".parquet".length());
                byType.computeIfAbsent(type, t -> new ArrayList<>()).add(p);
            });
        }
        List<View> views = new ArrayList<>();
        for (Map.Entry<String, List<Path>> type : new TreeMap<>(byType).entrySet()) {
            String name = identifier(type.getKey().endsWith("s") ? type.getKey() : type.getKey() + "s");
            String files = type.getValue().stream()
                    .map(f -> literal(f.toAbsolutePath().toString()))
                    .collect(Collectors.joining(", "));
            String read = "read_parquet([" + files + "], union_by_name=true, filename=true)";
            // The export names its columns; the feed is added from the path only when they do not hold it.
            boolean hasFeed = columns(connection, read).contains("feed");
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE VIEW " + name + " AS SELECT * EXCLUDE (filename)"
                        + (hasFeed ? "" : ", string_split(filename, '/')[-3] AS feed") + ", filename AS file FROM "
                        + read);
            }
            views.add(new View(
                    name,
                    "exported " + type.getKey() + " Parquet (" + String.join(", ", columns(connection, name)) + ")",
                    type.getValue().size()));
        }
        return views;
    }

    private static List<String> columns(Connection connection, String relation) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }

    /** A feed or type name as an SQL identifier: {@code kraken-futures} makes {@code raw_kraken_futures}. */
    static String identifier(String name) {
        return name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
