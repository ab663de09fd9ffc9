package io.ssmd.data.export;

import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.Lifecycle;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The typed tables of one export in an in-memory DuckDB: rows go in through appenders, a day's table goes out with
 * {@code COPY … TO} as Parquet (with key-value metadata) or CSV, then the table is emptied for the next day.
 *
 * <p>Decimals are {@code DECIMAL(38,18)}: 20 digits before the point and 18 after hold every venue's prices and sizes
 * exactly (Kraken's smallest prices have 18 decimals, its volumes 9 integer digits; Kalshi and Polymarket quote at
 * most 4 and 6 decimals). A value that does not fit is never rounded: {@link #fits} says so and the exporter counts
 * the event as out of range instead of writing it. Times are {@code TIMESTAMP} (µs, UTC): {@code ts} the receive
 * time, {@code venue_ts} the venue's own (null when the venue gave none).
 *
 * <p>Not thread-safe: one exporter owns it.
 */
final class ExportTables implements AutoCloseable {

    /** The one decimal type of every price and size column. */
    static final String DECIMAL = "DECIMAL(38,18)";

    static final int SCALE = 18;
    private static final int INTEGER_DIGITS = 20;

    private static final String COMMON =
            "ts TIMESTAMP NOT NULL, venue_ts TIMESTAMP, seq BIGINT NOT NULL, feed VARCHAR NOT NULL, instrument VARCHAR"
                    + " NOT NULL";

    private final DuckDBConnection duck;
    private final Set<ExportType> types;
    private final int bookLevels;
    private final Map<ExportType, DuckDBAppender> appenders = new EnumMap<>(ExportType.class);
    private final Map<ExportType, Long> rows = new EnumMap<>(ExportType.class);

    /**
     * @param bookLevels 0 for one row per book level (snapshots and deltas, {@code snapshot} flag), else the top N
     *                   levels of each side after every update, one row per update
     */
    ExportTables(Set<ExportType> types, int bookLevels) throws SQLException {
        this.duck = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        this.types = types;
        this.bookLevels = bookLevels;
        try (Statement s = duck.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            for (ExportType type : types) {
                s.execute("CREATE TABLE " + table(type) + " (" + columns(type, bookLevels) + ")");
            }
        }
        open();
    }

    /** The column definitions of a type's table: what docs/data-out.md lists. */
    static String columns(ExportType type, int bookLevels) {
        return switch (type) {
            case TRADE ->
                COMMON + ", price " + DECIMAL + " NOT NULL, size " + DECIMAL
                        + " NOT NULL, side VARCHAR NOT NULL, trade_id VARCHAR, snapshot BOOLEAN NOT NULL";
            case TICKER ->
                COMMON + ", bid " + DECIMAL + ", bid_size " + DECIMAL + ", ask " + DECIMAL + ", ask_size " + DECIMAL
                        + ", last " + DECIMAL + ", volume " + DECIMAL;
            case LIFECYCLE -> COMMON + ", event VARCHAR NOT NULL, details VARCHAR";
            case BOOK ->
                bookLevels == 0
                        ? COMMON + ", snapshot BOOLEAN NOT NULL, side VARCHAR, price " + DECIMAL + ", size " + DECIMAL
                        : COMMON + ", snapshot BOOLEAN NOT NULL" + levelColumns(bookLevels);
        };
    }

    private static String levelColumns(int n) {
        StringBuilder c = new StringBuilder();
        for (String side : List.of("bid", "ask")) {
            for (int i = 1; i <= n; i++) {
                c.append(", ")
                        .append(side)
                        .append('_')
                        .append(i)
                        .append("_price ")
                        .append(DECIMAL);
                c.append(", ")
                        .append(side)
                        .append('_')
                        .append(i)
                        .append("_size ")
                        .append(DECIMAL);
            }
        }
        return c.toString();
    }

    /** The file name (without extension) of a type: {@code book_top10} for top-N books. */
    String fileName(ExportType type) {
        return type == ExportType.BOOK && bookLevels > 0 ? "book_top" + bookLevels : type.id();
    }

    private static String table(ExportType type) {
        return "export_" + type.id();
    }

    /** Whether {@code value} is exact in {@link #DECIMAL}. */
    static boolean fits(BigDecimal value) {
        BigDecimal v = value.scale() > SCALE ? value.stripTrailingZeros() : value;
        return v.scale() <= SCALE && v.precision() - v.scale() <= INTEGER_DIGITS;
    }

    boolean wants(ExportType type) {
        return types.contains(type);
    }

    /** Rows appended to a type's table since it was last written. */
    long rows(ExportType type) {
        return rows.getOrDefault(type, 0L);
    }

    void trade(Trade t, long receivedAt, long seq) throws SQLException {
        DuckDBAppender a = common(ExportType.TRADE, t.ts(), t.feed(), t.instrument(), receivedAt, seq);
        decimal(a, t.price());
        decimal(a, t.size());
        a.append(t.side().name().toLowerCase(Locale.ROOT));
        a.append(t.tradeId().orElse(null));
        a.append(t.snapshot());
        a.endRow();
    }

    void ticker(Ticker t, long receivedAt, long seq) throws SQLException {
        DuckDBAppender a = common(ExportType.TICKER, t.ts(), t.feed(), t.instrument(), receivedAt, seq);
        decimal(a, t.bid());
        decimal(a, t.bidSize());
        decimal(a, t.ask());
        decimal(a, t.askSize());
        decimal(a, t.last());
        decimal(a, t.volume());
        a.endRow();
    }

    void lifecycle(Lifecycle l, String details, long receivedAt, long seq) throws SQLException {
        DuckDBAppender a = common(ExportType.LIFECYCLE, l.ts(), l.feed(), l.instrument(), receivedAt, seq);
        a.append(l.event());
        a.append(details);
        a.endRow();
    }

    /** A whole book, one row per level ({@code snapshot} true); an empty book is one row without a level. */
    void bookSnapshot(BookSnapshot b, long receivedAt, long seq) throws SQLException {
        if (b.bids().isEmpty() && b.asks().isEmpty()) {
            DuckDBAppender a = common(ExportType.BOOK, b.ts(), b.feed(), b.instrument(), receivedAt, seq);
            a.append(true).appendNull().appendNull().appendNull().endRow();
            return;
        }
        levels(b.feed(), b.instrument(), b.ts(), receivedAt, seq, true, b.bids(), b.asks());
    }

    /** Changed levels with their new absolute sizes (0 removes), one row per level ({@code snapshot} false). */
    void bookDelta(BookDelta d, long receivedAt, long seq) throws SQLException {
        levels(d.feed(), d.instrument(), d.ts(), receivedAt, seq, false, d.bids(), d.asks());
    }

    /** The top {@code bookLevels} levels of each side after an update: one row; missing levels are null. */
    void bookTop(BookSnapshot book, boolean snapshot, long receivedAt, long seq) throws SQLException {
        DuckDBAppender a = common(ExportType.BOOK, book.ts(), book.feed(), book.instrument(), receivedAt, seq);
        a.append(snapshot);
        for (List<Level> side : List.of(book.bids(), book.asks())) {
            for (int i = 0; i < bookLevels; i++) {
                if (i < side.size()) {
                    decimal(a, side.get(i).price());
                    decimal(a, side.get(i).size());
                } else {
                    a.appendNull().appendNull();
                }
            }
        }
        a.endRow();
    }

    private void levels(
            String feed,
            String instrument,
            long venueTs,
            long receivedAt,
            long seq,
            boolean snapshot,
            List<Level> bids,
            List<Level> asks)
            throws SQLException {
        for (Level l : bids) {
            level(feed, instrument, venueTs, receivedAt, seq, snapshot, "bid", l);
        }
        for (Level l : asks) {
            level(feed, instrument, venueTs, receivedAt, seq, snapshot, "ask", l);
        }
    }

    private void level(
            String feed,
            String instrument,
            long venueTs,
            long receivedAt,
            long seq,
            boolean snapshot,
            String side,
            Level level)
            throws SQLException {
        DuckDBAppender a = common(ExportType.BOOK, venueTs, feed, instrument, receivedAt, seq);
        a.append(snapshot);
        a.append(side);
        decimal(a, level.price());
        decimal(a, level.size());
        a.endRow();
    }

    private DuckDBAppender common(
            ExportType type, long venueTs, String feed, String instrument, long receivedAt, long seq)
            throws SQLException {
        DuckDBAppender a = appenders.get(type);
        rows.merge(type, 1L, Long::sum);
        a.beginRow();
        a.appendEpochMicros(receivedAt);
        if (venueTs == 0) {
            a.appendNull();
        } else {
            a.appendEpochMicros(venueTs);
        }
        a.append(seq);
        a.append(feed);
        a.append(instrument);
        return a;
    }

    private static void decimal(DuckDBAppender a, Optional<BigDecimal> value) throws SQLException {
        if (value.isPresent()) {
            decimal(a, value.get());
        } else {
            a.appendNull();
        }
    }

    private static void decimal(DuckDBAppender a, BigDecimal value) throws SQLException {
        // Exact by fits(), checked before the event's first row: setScale only adds zeros.
        a.append(value.setScale(SCALE));
    }

    /**
     * Writes a type's rows to {@code file} (through a temporary file renamed into place) and empties the table.
     *
     * @param metadata the Parquet file's key-value metadata (ignored for CSV, which has none)
     * @return the file's size in bytes
     */
    long write(ExportType type, ExportFormat format, Path file, Map<String, String> metadata)
            throws SQLException, IOException {
        closeAppenders();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        String options = format == ExportFormat.PARQUET
                ? "FORMAT parquet, COMPRESSION zstd, KV_METADATA " + struct(metadata)
                : "FORMAT csv, HEADER true";
        try (Statement s = duck.createStatement()) {
            s.execute("COPY " + table(type) + " TO " + literal(tmp.toString()) + " (" + options + ")");
            s.execute("DELETE FROM " + table(type));
        } finally {
            open();
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        rows.remove(type);
        return Files.size(file);
    }

    /** Empties every table without writing (a day with nothing to keep). */
    void clear() throws SQLException {
        closeAppenders();
        try (Statement s = duck.createStatement()) {
            for (ExportType type : types) {
                s.execute("DELETE FROM " + table(type));
            }
        } finally {
            open();
        }
        rows.clear();
    }

    private static String struct(Map<String, String> metadata) {
        List<String> fields = new ArrayList<>();
        new TreeMap<>(metadata).forEach((k, v) -> fields.add(literal(k) + ": " + literal(v)));
        return "{" + String.join(", ", fields) + "}";
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private void open() throws SQLException {
        for (ExportType type : types) {
            appenders.put(type, duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table(type)));
        }
    }

    private void closeAppenders() throws SQLException {
        for (DuckDBAppender a : appenders.values()) {
            a.close();
        }
        appenders.clear();
    }

    @Override
    public void close() throws SQLException {
        try {
            closeAppenders();
        } finally {
            duck.close();
        }
    }
}
