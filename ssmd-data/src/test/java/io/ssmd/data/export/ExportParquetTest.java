package io.ssmd.data.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.ExportArchive;
import io.ssmd.archive.ExportArchive.Published;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.Venues;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssmd data export} on archives written by the real archiver from the venues' recorded frames (Kraken spot
 * gzip, Kalshi zstd): the Parquet files read back by DuckDB hold exactly the normalized events the same normalizers
 * make of the same archive, with exact decimals, the schema versions in their metadata; CSV holds the same rows; the
 * inventory (PostgreSQL) gets the normalized rows.
 */
class ExportParquetTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    static final ActorTestKit KIT = ActorTestKit.create();

    /** 2026-01-01T00:00:00Z in µs. */
    static final long DAY0 = 1_767_225_600_000_000L;

    static final LocalDate DATE = LocalDate.of(2026, 1, 1);

    @TempDir
    static Path root;

    static String env;

    @BeforeAll
    static void archive() throws Exception {
        env = NatsServerExtension.freshName("x").toLowerCase();
        try (io.nats.client.Connection nats = NATS.connect()) {
            List<Published> kraken = new ArrayList<>(ExportFrames.kraken(env));
            // A frame the connector could not route, and a market-data message that is not JSON: counted, not fatal.
            kraken.add(new Published(Subjects.unparsed(env, "kraken", "kraken-0"), ExportFrames.bytes("PING {")));
            kraken.add(new Published(
                    Subjects.marketData(env, "kraken", "trade", "BTC-USD"), ExportFrames.bytes("not json [")));
            ExportArchive.write(
                    KIT.system(), nats, root, env, "kraken", StorageSettings.Format.GZIP, kraken, DAY0, 1_000_000);

            List<Published> kalshi = new ArrayList<>(ExportFrames.kalshi(env));
            // A market with no venue snapshot in the day: a delta before ssmd's book snapshot has nothing to apply
            // to; after it, the book starts from the snapshot and the delta's signed change becomes an absolute size.
            String subject = Subjects.marketData(env, "kalshi", Subjects.UNCATEGORIZED, "orderbook", "KXTEST-1");
            kalshi.add(new Published(subject, delta("-1.00")));
            kalshi.add(new Published(
                    Subjects.book(env, "kalshi", "KXTEST-1"),
                    new SsmdBookSnapshot(
                                    "kalshi",
                                    "KXTEST-1",
                                    1,
                                    DAY0,
                                    List.of(new Level(new BigDecimal("0.4000"), new BigDecimal("10.00"))),
                                    List.of(new Level(new BigDecimal("0.4500"), new BigDecimal("5.00"))))
                            .toJson()));
            kalshi.add(new Published(subject, delta("-4.00")));
            ExportArchive.write(
                    KIT.system(), nats, root, env, "kalshi", StorageSettings.Format.ZSTD, kalshi, DAY0, 1_000_000);
        }
    }

    private static byte[] delta(String change) {
        return ExportFrames.bytes("{\"type\":\"orderbook_delta\",\"sid\":9,\"seq\":2,\"msg\":{\"market_ticker\":"
                + "\"KXTEST-1\",\"price_dollars\":\"0.4000\",\"delta_fp\":\"" + change + "\",\"side\":\"yes\","
                + "\"ts\":\"2026-01-01T00:00:10Z\"}}");
    }

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private static ExportSpec spec(String feed, Path out, ExportFormat format, int bookLevels) {
        return new ExportSpec(
                feed, out, format, EnumSet.allOf(ExportType.class), bookLevels, ExportSchemas.shipped(), "test-1.2.3");
    }

    private static ArchiveSelection selection(String feed) throws Exception {
        return ArchiveSelection.select(root, Optional.of(env), feed, DATE, DATE);
    }

    private static Normalizer normalizer(String feed) {
        return Venues.of(Venue.byId(feed).orElseThrow()).normalizer();
    }

    @Test
    void parquetHoldsTheNormalizedEventsOfTheArchiveWithExactDecimals(@TempDir Path out) throws Exception {
        for (String feed : List.of("kraken", "kalshi")) {
            ExportResult result = new Exporter(spec(feed, out, ExportFormat.PARQUET, 0), normalizer(feed), null)
                    .export(selection(feed));
            ExpectedRows expected = ExpectedRows.of(selection(feed), normalizer(feed), feed);
            assertThat(expected.rows("trade")).as("%s has trades", feed).isNotEmpty();
            assertThat(expected.rows("book")).as("%s has books", feed).isNotEmpty();

            Path dir = out.resolve(feed).resolve(DATE.toString());
            assertThat(rows(dir.resolve("trade.parquet"), TRADE_SQL)).as(feed).isEqualTo(expected.rows("trade"));
            assertThat(rows(dir.resolve("ticker.parquet"), TICKER_SQL)).as(feed).isEqualTo(expected.rows("ticker"));
            assertThat(rows(dir.resolve("book.parquet"), BOOK_SQL)).as(feed).isEqualTo(expected.rows("book"));
            if (expected.rows("lifecycle").isEmpty()) {
                assertThat(dir.resolve("lifecycle.parquet")).doesNotExist();
            } else {
                assertThat(rows(dir.resolve("lifecycle.parquet"), LIFECYCLE_SQL))
                        .as(feed)
                        .isEqualTo(expected.rows("lifecycle"));
            }
            ExportResult.DayReport day = result.days().get(0);
            assertThat(day.deltasWithoutBook()).as(feed).isEqualTo(expected.deltasWithoutBook);
            assertThat(day.malformed()).as(feed).isEqualTo(expected.malformed);
            assertThat(day.unparsed()).as(feed).isEqualTo(expected.unparsed);
            assertThat(result.rows())
                    .isEqualTo(expected.byType.values().stream()
                            .mapToLong(List::size)
                            .sum());
        }
        Path kraken = out.resolve("kraken").resolve(DATE.toString());
        // Kraken's MATIC/USD trade at 0.5117 for 40.0, read back as the exact decimal.
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT price, size FROM read_parquet('" + kraken.resolve("trade.parquet")
                        + "') WHERE instrument = 'MATIC/USD'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(new BigDecimal("0.5117"));
            assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(new BigDecimal("40.0"));
        }
        assertThat(columnTypes(kraken.resolve("trade.parquet")))
                .containsEntry("ts", "TIMESTAMP")
                .containsEntry("venue_ts", "TIMESTAMP")
                .containsEntry("price", "DECIMAL(38,18)")
                .containsEntry("size", "DECIMAL(38,18)")
                .containsEntry("seq", "BIGINT");
        assertThat(columnTypes(kraken.resolve("ticker.parquet"))).containsEntry("volume", "DECIMAL(38,18)");
        assertThat(columnTypes(kraken.resolve("book.parquet")))
                .containsEntry("price", "DECIMAL(38,18)")
                .containsEntry("snapshot", "BOOLEAN");
        // The Kalshi market whose book began with ssmd's snapshot: 10 at 0.40, then -4 → 6.
        Path kalshi = out.resolve("kalshi").resolve(DATE.toString());
        assertThat(rows(kalshi.resolve("book.parquet"), BOOK_SQL))
                .filteredOn(r -> r.startsWith("KXTEST-1|"))
                .extracting(r -> r.substring(0, r.indexOf("|", r.indexOf("|", r.indexOf("|", 9) + 1) + 1)))
                .containsExactly("KXTEST-1|true|bid|0.4", "KXTEST-1|true|ask|0.45", "KXTEST-1|false|bid|0.4");
        assertThat(rows(kalshi.resolve("book.parquet"), BOOK_SQL))
                .filteredOn(r -> r.startsWith("KXTEST-1|false|"))
                .singleElement()
                .satisfies(r -> assertThat(r).startsWith("KXTEST-1|false|bid|0.4|6|"));
    }

    @Test
    void theFileMetadataCarriesTheSchemaVersionsFeedDateAndSsmdVersion(@TempDir Path out) throws Exception {
        new Exporter(spec("kraken", out, ExportFormat.PARQUET, 0), normalizer("kraken"), null)
                .export(selection("kraken"));
        Path dir = out.resolve("kraken").resolve(DATE.toString());
        Map<String, Integer> shipped = ExportSchemas.shipped();
        assertThat(metadata(dir.resolve("trade.parquet")))
                .containsEntry("ssmd.schema", "trade")
                .containsEntry("ssmd.schema_version", shipped.get("trade").toString())
                .containsEntry("ssmd.feed", "kraken")
                .containsEntry("ssmd.env", env)
                .containsEntry("ssmd.date", "2026-01-01")
                .containsEntry("ssmd.type", "trade")
                .containsEntry("ssmd.version", "test-1.2.3");
        assertThat(metadata(dir.resolve("book.parquet")))
                .containsEntry("ssmd.schema", "orderbook-snapshot,orderbook-delta")
                .containsEntry(
                        "ssmd.schema_version", shipped.get("orderbook-snapshot") + "," + shipped.get("orderbook-delta"))
                .containsEntry("ssmd.book_levels", "0");
    }

    @Test
    void csvHoldsTheSameRowsAsParquet(@TempDir Path out) throws Exception {
        new Exporter(spec("kalshi", out.resolve("p"), ExportFormat.PARQUET, 0), normalizer("kalshi"), null)
                .export(selection("kalshi"));
        new Exporter(spec("kalshi", out.resolve("c"), ExportFormat.CSV, 0), normalizer("kalshi"), null)
                .export(selection("kalshi"));
        for (String type : List.of("trade", "ticker", "book", "lifecycle")) {
            Path parquet = out.resolve("p/kalshi/2026-01-01/" + type + ".parquet");
            Path csv = out.resolve("c/kalshi/2026-01-01/" + type + ".csv");
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                    Statement s = duck.createStatement()) {
                String fromCsv = "SELECT * FROM read_csv('" + csv + "', header = true, all_varchar = true)";
                String fromParquet = "SELECT COLUMNS(*)::VARCHAR FROM read_parquet('" + parquet + "')";
                assertThat(count(s, fromCsv))
                        .as(type)
                        .isEqualTo(count(s, fromParquet))
                        .isPositive();
                assertThat(count(s, fromCsv + " EXCEPT ALL " + fromParquet))
                        .as(type)
                        .isZero();
                assertThat(count(s, fromParquet + " EXCEPT ALL " + fromCsv))
                        .as(type)
                        .isZero();
            }
        }
    }

    @Test
    void topLevelsPerUpdateFollowTheBook(@TempDir Path out) throws Exception {
        ExportResult result = new Exporter(spec("kalshi", out, ExportFormat.PARQUET, 2), normalizer("kalshi"), null)
                .export(selection("kalshi"));
        Path file = out.resolve("kalshi/2026-01-01/book_top2.parquet");
        assertThat(columnTypes(file))
                .containsEntry("bid_2_price", "DECIMAL(38,18)")
                .doesNotContainKey("bid_3_price");
        // After the delta, KXTEST-1's best bid is 0.40 for 6 and its best ask 0.45 for 5; no second level.
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT snapshot, bid_1_price, bid_1_size, ask_1_price, ask_1_size,"
                        + " bid_2_price FROM read_parquet('" + file + "') WHERE instrument = 'KXTEST-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("10");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isFalse();
            assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("0.40");
            assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("6");
            assertThat(rs.getBigDecimal(4)).isEqualByComparingTo("0.45");
            assertThat(rs.getBigDecimal(5)).isEqualByComparingTo("5");
            assertThat(rs.getBigDecimal(6)).isNull();
            assertThat(rs.next()).isFalse();
        }
        assertThat(result.files())
                .filteredOn(w -> w.type() == ExportType.BOOK)
                .singleElement()
                .satisfies(w -> assertThat(w.name()).isEqualTo("book_top2"));
    }

    @Test
    void theInventoryRecordsEachFileAsNormalized(@TempDir Path out) throws Exception {
        try (Database db = Database.open(PG.settings())) {
            Metadata metadata = Metadata.of(db);
            Map<String, Integer> versions = ExportSchemas.fromRegistry(metadata);
            ExportSpec spec = new ExportSpec(
                    "kalshi",
                    out,
                    ExportFormat.PARQUET,
                    EnumSet.of(ExportType.TRADE, ExportType.BOOK),
                    0,
                    versions,
                    "test-1.2.3");
            ExportResult result = new Exporter(spec, normalizer("kalshi"), null).export(selection("kalshi"));
            DataInventory inventory = new DataInventory(metadata);
            assertThat(ExportInventory.record(inventory, env, spec, result, "test-1.2.3"))
                    .isEqualTo(2);

            List<DataInventory.Row> rows = inventory.list(new DataInventory.Filter(
                    Optional.of("kalshi"), Optional.of(DATE), Optional.of(DATE), Optional.empty(), Optional.of(env)));
            assertThat(rows).extracting(DataInventory.Row::dataType).containsOnly(DataInventory.NORMALIZED);
            assertThat(rows).extracting(DataInventory.Row::stream).containsExactlyInAnyOrder("trade", "book");
            for (DataInventory.Row row : rows) {
                ExportResult.Written w = result.files().stream()
                        .filter(f -> f.name().equals(row.stream()))
                        .findFirst()
                        .orElseThrow();
                assertThat(row.recordCount()).isEqualTo(w.rows()).isPositive();
                assertThat(row.byteSize()).isEqualTo(Files.size(w.file()));
                assertThat(row.fileCount()).isEqualTo(1);
                assertThat(row.storagePath())
                        .isEqualTo(w.file().toAbsolutePath().getParent() + "/");
                assertThat(row.status()).isEqualTo(DataInventory.COMPLETE);
                assertThat(row.processorVersion()).isEqualTo("test-1.2.3");
            }
            assertThat(rows)
                    .filteredOn(r -> r.stream().equals("trade"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.schemaVersion()).isEqualTo("trade:" + versions.get("trade")));
            assertThat(rows)
                    .filteredOn(r -> r.stream().equals("book"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.schemaVersion())
                            .isEqualTo("orderbook-snapshot:" + versions.get("orderbook-snapshot") + ",orderbook-delta:"
                                    + versions.get("orderbook-delta")));
        }
    }

    @Test
    void unknownTypesAndFormatsAreNamedWithTheClosest() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExportType.parse(List.of("trade", "trades")))
                .hasMessageContaining("unknown export type 'trades'")
                .hasMessageContaining("Did you mean 'trade'?");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExportFormat.parse("parket"))
                .hasMessageContaining("Did you mean 'parquet'?");
        assertThat(ExportType.parse(List.of())).isEqualTo(Set.copyOf(EnumSet.allOf(ExportType.class)));
    }

    static final String TAIL = ", epoch_us(venue_ts), epoch_us(ts), seq";
    static final String TRADE_SQL = "SELECT instrument, price, size, side, trade_id, snapshot" + TAIL;
    static final String TICKER_SQL = "SELECT instrument, bid, bid_size, ask, ask_size, last, volume" + TAIL;
    static final String BOOK_SQL = "SELECT instrument, snapshot, side, price, size" + TAIL;
    static final String LIFECYCLE_SQL = "SELECT instrument, event" + TAIL;

    /** The file's rows as ExpectedRows writes them, in file order. */
    static List<String> rows(Path file, String select) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery(select + " FROM read_parquet('" + file + "')")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int c = 1; c <= md.getColumnCount(); c++) {
                    Object v = rs.getObject(c);
                    cells.add(v instanceof BigDecimal b ? ExpectedRows.d(b) : v == null ? null : v.toString());
                }
                rows.add(String.join("|", cells.stream().map(String::valueOf).toList()));
            }
        }
        return rows;
    }

    static Map<String, String> columnTypes(Path file) throws Exception {
        Map<String, String> types = new LinkedHashMap<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return types;
    }

    static Map<String, String> metadata(Path file) throws Exception {
        Map<String, String> kv = new LinkedHashMap<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata('" + file + "')")) {
            while (rs.next()) {
                kv.put(rs.getString(1), rs.getString(2));
            }
        }
        return kv;
    }

    static long count(Statement s, String query) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + query + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
