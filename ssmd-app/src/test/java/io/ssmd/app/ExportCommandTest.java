package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.FileEntry;
import io.ssmd.archive.JsonLine;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ssmd data export} in-process against the embedded H2: bad input is refused before anything is read (unknown
 * feed or type with the closest name, a day without inventory, a bad --book-levels), and a day of Kraken frames is
 * written as Parquet and recorded as normalized.
 */
class ExportCommandTest {

    private static final long DAY0 = 1_767_225_600_000_000L;
    private static final LocalDate DAY = LocalDate.of(2026, 1, 1);
    private static final List<String> FRAMES = List.of(
            "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[{\"price\":45283.5,"
                    + "\"qty\":0.10000000}],\"asks\":[{\"price\":45285.2,\"qty\":0.00100000}],\"checksum\":1,"
                    + "\"timestamp\":\"2026-01-01T00:00:00.000001Z\"}]}",
            "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"MATIC/USD\",\"side\":\"sell\","
                    + "\"price\":0.5117,\"qty\":40.0,\"ord_type\":\"market\",\"trade_id\":4665906,"
                    + "\"timestamp\":\"2023-09-25T07:49:37.708706Z\"}]}",
            "not json {");

    @TempDir
    Path dir;

    Path root;
    Path config;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void aDayOfKraken() throws Exception {
        config = dir.resolve("application.conf");
        Files.writeString(config, "ssmd {\n  data-dir = \"" + dir.resolve("data") + "\"\n}\n");
        root = dir.resolve("archive");
        Path day = root.resolve("lab/kraken/LAB_KRAKEN/2026-01-01");
        Files.createDirectories(day);
        Path file = day.resolve("0000.jsonl.gz");
        List<String> subjects = List.of(
                "lab.kraken.json.orderbook.BTC-USD",
                "lab.kraken.json.trade.MATIC-USD",
                "lab.kraken.json.trade.BTC-USD");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < FRAMES.size(); i++) {
                gz.write(JsonLine.build(
                        DAY0 + i,
                        i + 1,
                        subjects.get(i),
                        "k:" + i,
                        FRAMES.get(i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        FileEntry entry = new FileEntry(
                "0000.jsonl.gz",
                DAY0,
                DAY0 + 2,
                3,
                Files.size(file),
                1,
                3,
                Map.of("trade", 2L, "orderbook", 1L),
                "0",
                false);
        new ManifestStore()
                .write(
                        day,
                        new Manifest(
                                "lab",
                                "kraken",
                                "LAB_KRAKEN",
                                "2026-01-01",
                                "gzip",
                                "1m",
                                List.of(entry),
                                List.of(),
                                List.of("BTC-USD", "MATIC-USD"),
                                List.of("orderbook", "trade"),
                                false));
        try (Database db = database()) {
            new DataInventory(Metadata.of(db))
                    .record(
                            new DataInventory.Day(
                                    new DataInventory.Key("lab", "kraken", "LAB_KRAKEN", DataInventory.RAW, DAY),
                                    day + "/",
                                    null,
                                    2,
                                    3,
                                    Files.size(file),
                                    1,
                                    Instant.EPOCH,
                                    Instant.EPOCH,
                                    DataInventory.COMPLETE,
                                    null,
                                    "test"),
                            List.of(),
                            Instant.now());
        }
    }

    private Database database() {
        return Database.open(NodeSettings.create(NodeConfig.load(Optional.of(config), Map.of()), Map.of())
                .db());
    }

    /** Runs {@code ssmd data export ARGS} as picocli parses it, with this test's streams. */
    private int export(String... args) {
        return export(Map.of(), args);
    }

    private int export(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("data", "--root", root.toString(), "export"));
        all.addAll(List.of(args));
        all.addAll(List.of(
                "--config", config.toString(), "--out", dir.resolve("out").toString()));
        CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(all.toArray(String[]::new));
        ExportCommand command =
                (ExportCommand) parsed.subcommand().subcommand().commandSpec().userObject();
        out.reset();
        err.reset();
        return command.run(env, print(out), print(err));
    }

    @Test
    void anUnknownFeedIsNamedWithTheClosest() {
        assertThat(export("--feed", "krakn", "--date", "2026-01-01")).isEqualTo(1);
        assertThat(text(err)).contains("unknown feed 'krakn'").contains("Did you mean 'kraken'?");
    }

    @Test
    void aDayWithoutInventorySaysWhatIsAvailable() {
        assertThat(export("--feed", "kraken", "--date", "2026-02-01")).isEqualTo(1);
        assertThat(text(err)).contains("No data inventory for kraken").contains("2026-01-01");
    }

    @Test
    void anUnknownTypeOrFormatIsAUsageError() {
        assertThat(export("--feed", "kraken", "--date", "2026-01-01", "--types", "trade,tickr"))
                .isEqualTo(2);
        assertThat(text(err)).contains("unknown export type 'tickr'").contains("Did you mean 'ticker'?");
        assertThat(export("--feed", "kraken", "--date", "2026-01-01", "--format", "parqet"))
                .isEqualTo(2);
        assertThat(text(err)).contains("Did you mean 'parquet'?");
        assertThat(export("--feed", "kraken", "--date", "2026-01-01", "--book-levels", "0"))
                .isEqualTo(2);
        assertThat(text(err)).contains("--book-levels must be at least 1");
        assertThat(new CommandLine(new Main()).execute("data", "export", "--date", "2026-01-01"))
                .as("--feed is required")
                .isEqualTo(2);
    }

    @Test
    void aDayIsWrittenReportedAndRecordedAsNormalized() throws Exception {
        assertThat(export("--feed", "kraken", "--date", "2026-01-01"))
                .as(text(err))
                .isZero();
        assertThat(text(out))
                .containsPattern("Type +Day +Rows +Bytes +File")
                .containsPattern("trade +2026-01-01 +1 +[\\d,]+ .*trade.parquet")
                .containsPattern("book +2026-01-01 +2 +[\\d,]+ .*book.parquet")
                .containsPattern("ticker +2026-01-01 +0 +0 +\\(no rows\\)")
                .containsPattern("2026-01-01 +3 +2 +0 +1 ")
                .contains("2 inventory rows recorded as normalized");
        assertThat(dir.resolve("out/kraken/2026-01-01/trade.parquet")).exists();
        try (Database db = database()) {
            assertThat(new DataInventory(Metadata.of(db))
                            .list(DataInventory.Filter.all()).stream()
                                    .filter(r -> r.dataType().equals(DataInventory.NORMALIZED))
                                    .map(r -> r.stream() + ":" + r.recordCount())
                                    .toList())
                    .containsExactlyInAnyOrder("trade:1", "book:2");
        }
        assertThat(export("--feed", "kraken", "--date", "2026-01-01", "--json", "--types", "trade"))
                .isZero();
        JsonNode json = new ObjectMapper().readTree(text(out));
        assertThat(json.path("rows").asLong()).isEqualTo(1);
        assertThat(json.path("days").get(0).path("malformed").asLong()).isEqualTo(1);
    }

    @Test
    void aRangeWritesOneFilePerDayAndBooksCarryOverToTheNextDay() throws Exception {
        Path day2 = root.resolve("lab/kraken/LAB_KRAKEN/2026-01-02");
        Files.createDirectories(day2);
        Path file = day2.resolve("0000.jsonl.gz");
        String update =
                "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[{\"price\":"
                        + "45283.5,\"qty\":0.25}],\"asks\":[],\"checksum\":1,\"timestamp\":\"2026-01-02T00:00:00.000001Z\"}]}";
        long next = DAY0 + 86_400_000_000L;
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            gz.write(JsonLine.build(
                    next, 4, "lab.kraken.json.orderbook.BTC-USD", "k:4", update.getBytes(StandardCharsets.UTF_8)));
        }
        new ManifestStore()
                .write(
                        day2,
                        new Manifest(
                                "lab",
                                "kraken",
                                "LAB_KRAKEN",
                                "2026-01-02",
                                "gzip",
                                "1m",
                                List.of(new FileEntry(
                                        "0000.jsonl.gz", next, next, 1, Files.size(file), 4, 4, Map.of(), "0", false)),
                                List.of(),
                                List.of("BTC-USD"),
                                List.of("orderbook"),
                                false));

        assertThat(export("--feed", "kraken", "--date", "2026-01-01", "--to", "2026-01-02", "--types", "book"))
                .as(text(err))
                .isZero();
        // The second day's update applies to the book its first day's snapshot started: no delta without a book.
        assertThat(text(out))
                .containsPattern("book +2026-01-01 +2 ")
                .containsPattern("book +2026-01-02 +1 ")
                .containsPattern("2026-01-02 +1 +1 +0 +0 +0 +0 +0 +0 +0");
        assertThat(dir.resolve("out/kraken/2026-01-01/book.parquet")).exists();
        assertThat(dir.resolve("out/kraken/2026-01-02/book.parquet")).exists();
    }

    @Test
    void aFileThatBreaksOffIsReportedAndItsLinesBeforeAreKept() throws Exception {
        Path day = root.resolve("lab/kraken/LAB_KRAKEN/2026-01-01");
        Path broken = day.resolve("0001.jsonl.gz");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(broken))) {
            gz.write(JsonLine.build(
                    DAY0 + 10,
                    4,
                    "lab.kraken.json.trade.MATIC-USD",
                    "k:4",
                    FRAMES.get(1).getBytes(StandardCharsets.UTF_8)));
            gz.write("{\"ts\":1,\"seq\":5}\n".getBytes(StandardCharsets.UTF_8));
        }
        Manifest manifest = ManifestStore.read(day).orElseThrow();
        List<FileEntry> files = new ArrayList<>(manifest.files());
        files.add(new FileEntry(
                "0001.jsonl.gz", DAY0 + 10, DAY0 + 11, 2, Files.size(broken), 4, 5, Map.of(), "0", false));
        new ManifestStore()
                .write(
                        day,
                        new Manifest(
                                "lab",
                                "kraken",
                                "LAB_KRAKEN",
                                "2026-01-01",
                                "gzip",
                                "1m",
                                files,
                                List.of(),
                                manifest.tickers(),
                                manifest.messageTypes(),
                                false));

        assertThat(export("--feed", "kraken", "--date", "2026-01-01", "--types", "trade"))
                .as(text(err))
                .isZero();
        assertThat(text(out))
                .containsPattern("trade +2026-01-01 +2 ")
                .containsPattern("2026-01-01 +4 +2 +0 +1 +0 +0 +0 +1 +0")
                .contains("unreadable: " + broken + " line 2 lacks ts, seq, subject or data");
        try (Database db = database()) {
            assertThat(new DataInventory(Metadata.of(db))
                            .list(DataInventory.Filter.all()).stream()
                                    .filter(r -> r.dataType().equals(DataInventory.NORMALIZED))
                                    .map(DataInventory.Row::status)
                                    .toList())
                    .as("a day with an unreadable file is partial")
                    .containsExactly(DataInventory.PARTIAL);
        }
    }

    @Test
    void remoteFetchesTheDaysFromTheBucketIntoTheCacheFirst() throws Exception {
        // The day exists only in the bucket: uploaded from an archive root that is not on this disk.
        Path day = root.resolve("lab/kraken/LAB_KRAKEN/2026-01-01");
        Manifest manifest = ManifestStore.read(day).orElseThrow();
        FileEntry local = manifest.files().get(0);
        FileEntry uploaded = new FileEntry(
                local.name(),
                local.start(),
                local.end(),
                local.records(),
                local.bytes(),
                local.firstSeq(),
                local.lastSeq(),
                local.recordsByType(),
                local.md5(),
                true);
        Path staged = Files.createDirectories(dir.resolve("staged"));
        new ManifestStore()
                .write(
                        staged,
                        new Manifest(
                                "lab",
                                "kraken",
                                "LAB_KRAKEN",
                                "2026-01-01",
                                "gzip",
                                "1m",
                                List.of(uploaded),
                                List.of(),
                                manifest.tickers(),
                                manifest.messageTypes(),
                                false));
        try (LabBucket bucket = LabBucket.start()) {
            String prefix = "lab/kraken/LAB_KRAKEN/2026-01-01/";
            bucket.put(prefix + "0000.jsonl.gz", day.resolve("0000.jsonl.gz"));
            bucket.put(prefix + "manifest.json", staged.resolve("manifest.json"));
            Path envFile = bucket.environment(dir, "lab", dir.resolve("elsewhere"));
            Map<String, String> env = LabBucket.CREDENTIALS;
            Path cache = dir.resolve("cache");

            assertThat(export(env, "--feed", "kraken", "--date", "2026-01-01", "--remote"))
                    .isEqualTo(2);
            assertThat(text(err)).contains("--remote needs --env FILE");
            assertThat(export(
                            env,
                            "--feed",
                            "kraken",
                            "--date",
                            "2026-01-01",
                            "--remote",
                            "--env",
                            envFile.toString(),
                            "--cache",
                            cache.toString(),
                            "--types",
                            "trade"))
                    .as(text(err))
                    .isZero();
            assertThat(cache.resolve("lab/kraken/LAB_KRAKEN/2026-01-01/0000.jsonl.gz"))
                    .hasSameBinaryContentAs(day.resolve("0000.jsonl.gz"));
            assertThat(text(err)).containsPattern("fetched [\\d,]+ bytes from the bucket into " + cache);
            assertThat(text(out)).containsPattern("trade +2026-01-01 +1 ");
        }
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
