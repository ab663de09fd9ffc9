package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.Gap;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.bench.QueryBench;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.data.query.QuerySession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ssmd data query} as a user runs it: output formats, the row limit of a table, the views listed, the gaps of
 * the range on stderr first, and the errors (DuckDB's message and exit 1, "Did you mean", usage errors exit 2).
 */
class QueryCommandTest {

    static final LocalDate DAY = LocalDate.of(2026, 1, 1);

    /** 00:10 to 00:12 of the day, in µs. */
    static final long GAP_START = 1_767_225_600_000_000L + 10 * 60_000_000L;

    @TempDir
    Path dir;

    Path root;
    Path exports;
    Manifest manifest;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void archive() throws Exception {
        root = dir.resolve("archive");
        exports = dir.resolve("exports");
        Gap gap = new Gap(
                Gap.CONNECTION_LOST,
                10L,
                11L,
                GAP_START,
                GAP_START + 2 * 60_000_000L,
                "kraken-0",
                "socket closed",
                List.of(),
                "0000.jsonl.zst");
        Path dateDir = QueryBench.writeDay(root, "prod", "kraken", DAY, 960, StorageSettings.Format.ZSTD, List.of(gap));
        manifest = ManifestStore.read(dateDir).orElseThrow();
    }

    private int query(String sql, String format, Optional<String> feed, Optional<Long> maxRows, boolean listViews) {
        return QueryCommand.query(
                new QueryCommand.Request(
                        Optional.ofNullable(sql),
                        format,
                        feed,
                        Optional.empty(),
                        Optional.empty(),
                        root,
                        exports,
                        maxRows,
                        listViews),
                Optional.empty(),
                Optional.empty(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTableShowsTheFirstRowsAlignedAndSaysHowManyMore() {
        int code = query(
                "select seq, time, type, instrument from raw order by seq",
                "table",
                Optional.of("kraken"),
                Optional.of(3L),
                false);

        assertThat(code).as(err()).isZero();
        assertThat(out().lines().toList())
                .containsExactly(
                        "seq  time                 type    instrument",
                        "  1  2026-01-01 00:00:00  book    BTC-USD",
                        "  2  2026-01-01 00:01:30  ticker  ETH-USD",
                        "  3  2026-01-01 00:03:00  book    SOL-USD",
                        "(3 rows shown, 957 more: raise --max-rows, or use --format csv or json for every row)");
        // The gaps of the range come first, on stderr.
        assertThat(err())
                .contains("gaps in the range: 1")
                .contains("connection_lost")
                .contains("2026-01-01T00:10:00Z")
                .contains("socket closed");
    }

    @Test
    void csvPrintsEveryRowWithAHeader() {
        int code = query(
                "select type, count(*) as n from raw group by type order by type",
                "csv",
                Optional.empty(),
                Optional.empty(),
                false);

        assertThat(code).as(err()).isZero();
        List<String> expected = new java.util.ArrayList<>(List.of("type,n"));
        java.util.Map<String, Long> byType = new java.util.TreeMap<>();
        manifest.files().forEach(f -> f.recordsByType().forEach((t, n) -> byType.merge(t, n, Long::sum)));
        byType.forEach((t, n) -> expected.add(t + "," + n));
        assertThat(out().lines().toList()).containsExactlyElementsOf(expected);
        assertThat(byType.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(960);
    }

    @Test
    void jsonKeepsNumbersAndTheFrameAsJson() throws Exception {
        int code = query(
                "select seq, time, data, 1.10::DECIMAL(10,2) as price from raw order by seq limit 2",
                "json",
                Optional.empty(),
                Optional.empty(),
                false);

        assertThat(code).as(err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(out());
        assertThat(rows.size()).isEqualTo(2);
        JsonNode first = rows.get(0);
        assertThat(first.get("seq").isIntegralNumber()).isTrue();
        assertThat(first.get("time").asText()).isEqualTo("2026-01-01 00:00:00");
        assertThat(first.get("data").isObject()).isTrue();
        assertThat(first.get("data").get("channel").asText()).isEqualTo("book");
        assertThat(first.get("price").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(out()).contains("\"price\":1.10");
    }

    @Test
    void everyEnvironmentIsReadUnlessOneIsNamed() throws Exception {
        QueryBench.writeDay(root, "lab", "kraken", DAY, 96, StorageSettings.Format.GZIP, List.of());
        String sql = "select env, count(*) as n from raw group by env order by env";
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        QueryCommand.Request all = new QueryCommand.Request(
                Optional.of(sql),
                "csv",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                root,
                exports,
                Optional.empty(),
                false);

        assertThat(QueryCommand.query(all, Optional.empty(), Optional.empty(), print, errors))
                .isZero();
        assertThat(out().lines().toList()).containsExactly("env,n", "lab,96", "prod,960");
        out.reset();
        assertThat(QueryCommand.query(all, Optional.empty(), Optional.of("lab"), print, errors))
                .isZero();
        assertThat(out().lines().toList()).containsExactly("env,n", "lab,96");
    }

    @Test
    void aSqlErrorIsDuckDbsMessageAndExitOne() {
        int code = query("selec count(*) from raw", "table", Optional.empty(), Optional.empty(), false);

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("ssmd data query: Parser Error: syntax error at or near \"selec\"");
        assertThat(err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out()).isEmpty();

        err.reset();
        assertThat(query("select * from trade", "table", Optional.empty(), Optional.empty(), false))
                .isEqualTo(1);
        assertThat(err()).contains("Catalog Error: Table with name trade does not exist");
    }

    @Test
    void anUnknownFeedIsNamedWithTheClosestOne() {
        int code = query("select 1", "table", Optional.of("krakn"), Optional.empty(), false);

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("krakn").contains("Did you mean 'kraken'?");
    }

    @Test
    void listViewsNamesTheArchiveGapsAndExportedTypesPresent() throws Exception {
        Path trades = exports.resolve("kraken/2026-01-01/trade.parquet");
        Files.createDirectories(trades.getParent());
        try (QuerySession writer = QuerySession.open(List.of(), null)) {
            writer.run(
                    "COPY (SELECT 'BTC/USD' AS symbol, 97000.1::DECIMAL(18,8) AS price) TO '" + trades
                            + "' (FORMAT parquet)",
                    rs -> null);
        }

        int code = query(null, "table", Optional.empty(), Optional.empty(), true);

        assertThat(code).as(err()).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).startsWith("View").contains("Files").contains("Reads");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("raw ").contains("96"));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).startsWith("raw_kraken ").contains("96"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("gaps ").contains(" 1 "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("trades ").contains("symbol, price, feed, file"));
    }

    /**
     * {@code --remote}: the days are fetched from the bucket (S3Proxy) into the cache, then queried there; the bucket's
     * manifest is what lists the files.
     */
    @Test
    void remoteDaysAreFetchedIntoTheCacheAndQueried() throws Exception {
        Path dateDir = root.resolve("prod/kraken/PROD_KRAKEN/2026-01-01");
        Manifest uploaded = manifest;
        for (var f : manifest.files()) {
            uploaded = uploaded.withUploaded(f.name(), true);
        }
        new ManifestStore().write(dateDir, uploaded);
        try (LabBucket bucket = LabBucket.start();
                var files = Files.list(dateDir)) {
            for (Path file : files.toList()) {
                bucket.put("prod/kraken/PROD_KRAKEN/2026-01-01/" + file.getFileName(), file);
            }
            Path envFile = bucket.environment(dir, "prod", root);
            var environment = io.ssmd.core.config.EnvironmentLoader.load(envFile, LabBucket.CREDENTIALS);
            Path cache = dir.resolve("cache");
            PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

            QueryCommand.mirror(environment, Optional.of("kraken"), DAY, DAY, cache, errors);
            assertThat(err()).contains("fetched kraken of prod (main) into " + cache);
            int code = QueryCommand.query(
                    new QueryCommand.Request(
                            Optional.of("select count(*) as n, count(distinct file) as files from raw"),
                            "csv",
                            Optional.of("kraken"),
                            Optional.of(DAY),
                            Optional.of(DAY),
                            cache,
                            exports,
                            Optional.empty(),
                            false),
                    Optional.empty(),
                    Optional.of("prod"),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    errors);

            assertThat(code).as(err()).isZero();
            assertThat(out().lines().toList()).containsExactly("n,files", "960,96");
            assertThat(err()).doesNotContain("\"s\"");
        }
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(query(null, "table", Optional.empty(), Optional.empty(), false))
                .isEqualTo(2);
        assertThat(err()).contains("give a SQL statement");
        assertThat(query("select 1", "xml", Optional.empty(), Optional.empty(), false))
                .isEqualTo(2);
        assertThat(err()).contains("--format xml is not one of table, csv, json");
        assertThat(query("select 1", "table", Optional.empty(), Optional.of(0L), false))
                .isEqualTo(2);

        StringWriter picocliErr = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(picocliErr));
        assertThat(cli.execute("data", "query", "--root", root.toString(), "--max-rows", "many", "select 1"))
                .isEqualTo(2);
        assertThat(picocliErr.toString()).contains("--max-rows").contains("many");
    }
}
