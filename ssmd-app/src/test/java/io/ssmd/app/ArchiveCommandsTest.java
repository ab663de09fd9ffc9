package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.archive.FileEntry;
import io.ssmd.archive.Gap;
import io.ssmd.archive.InventoryRebuild;
import io.ssmd.archive.JsonLine;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ssmd archive verify}, {@code ssmd data inventory} and {@code ssmd data gaps} on a small archive. */
class ArchiveCommandsTest {

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final long DAY0 = 1_767_225_600_000_000L;

    @TempDir
    Path root;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path day1;

    @BeforeEach
    void writeArchive() throws Exception {
        Path stream = root.resolve("lab/kraken/LAB_KRAKEN");
        day1 = stream.resolve("2026-01-01");
        Gap loss = new Gap(
                Gap.RETENTION_LOSS, 101L, 120L, DAY0 + 100, DAY0 + 121, null, "stream limits", null, "0001.jsonl.gz");
        Gap outage = new Gap(
                Gap.CONNECTION_LOST,
                130L,
                131L,
                DAY0 + 60_000_000,
                DAY0 + 70_000_000,
                "kraken-0",
                "socket closed",
                null,
                "0001.jsonl.gz");
        writeDay(
                day1,
                List.of(segment(day1, "0000.jsonl.gz", 1, 100), segment(day1, "0001.jsonl.gz", 121, 200)),
                List.of(loss, outage));
        Path day2 = stream.resolve("2026-01-02");
        writeDay(day2, List.of(segment(day2, "0000.jsonl.gz", 201, 250)), List.of());
    }

    @Test
    void verifyPassesAConsistentArchiveAndFailsADamagedOne() throws IOException {
        assertThat(ArchiveCommand.Verify.verify(root, print(out), print(err)))
                .as(text(err))
                .isZero();
        assertThat(text(out))
                .contains(
                        "2 days, 3 files, 230 records (trade 230), seqs 1..250, gaps retention_loss=1, connection_lost=1")
                .contains("archive is consistent");

        Manifest manifest = ManifestStore.read(day1).orElseThrow();
        new ManifestStore().write(day1, manifest.withoutGaps());
        out.reset();

        assertThat(ArchiveCommand.Verify.verify(root, print(out), print(err))).isEqualTo(1);
        assertThat(text(err))
                .contains("0001.jsonl.gz: seqs 101..120 missing with no bus_gap or retention_loss recorded")
                .contains("1 inconsistency");
    }

    @Test
    void inventoryPrintsOneRowPerStreamDay() {
        int code = DataCommand.Inventory.inventory(
                root,
                Optional.of("kraken"),
                Optional.of(LocalDate.of(2026, 1, 1)),
                Optional.empty(),
                print(out),
                print(err));

        assertThat(code).isZero();
        List<String> lines = text(out).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1))
                .startsWith("2026-01-01  kraken")
                .contains("LAB_KRAKEN")
                .contains("    2  ")
                .contains("180")
                .endsWith("gaps, local");
        assertThat(lines.get(2)).startsWith("2026-01-02").endsWith("complete, uploaded");

        out.reset();
        DataCommand.Inventory.inventory(
                root, Optional.of("polymarket"), Optional.empty(), Optional.empty(), print(out), print(err));
        assertThat(text(out)).contains("(no archived days match)");
    }

    /**
     * {@code data inventory --rebuild} writes the rows from the manifests; {@code data inventory} prints them as the
     * seeds' table (Date, Raw, Normalized, Status, Quality, Gaps), {@code --status} filters, {@code data gaps} lists the
     * day's gaps; a day with no inventory and an unknown feed fail with what exists.
     */
    @Test
    void inventoryFromTheDatabaseAfterARebuild() throws Exception {
        PG.emptySchema();
        Path feeds = Files.createDirectories(root.resolve("exchanges/feeds"));
        Files.writeString(
                feeds.resolve("kraken.yaml"),
                Files.readString(ShippedExchanges.projectDir().resolve("exchanges/feeds/kraken.yaml")));
        Path envFile = Files.writeString(root.resolve("exchanges/lab.yaml"), """
                name: lab
                feeds-dir: feeds
                feeds:
                  kraken: {instruments: [BTC/USD]}
                storage:
                  archive-root: %s
                archivers:
                  - name: main
                    streams: all
                """.formatted(root));
        try (Database db = Database.open(PG.settings())) {
            Metadata metadata = Metadata.of(db);
            DataInventory inventory = new DataInventory(metadata);
            int code = InventoryCommands.rebuild(
                    inventory,
                    EnvironmentLoader.load(envFile, Map.of()),
                    new InventoryRebuild.Scope(Optional.empty(), Optional.empty(), Optional.empty(), false),
                    false,
                    print(out),
                    print(err));
            assertThat(code).as(text(err)).isZero();
            assertThat(text(out))
                    .containsPattern("2026-01-01  kraken  LAB_KRAKEN  partial +2")
                    .containsPattern("2026-01-02  kraken  LAB_KRAKEN  processing +0")
                    .contains("rebuilt 2 days of environment lab from the manifests on local disk");
            out.reset();

            assertThat(InventoryCommands.list(
                            metadata,
                            Optional.of("kraken"),
                            Optional.of(LocalDate.of(2026, 1, 1)),
                            Optional.of(LocalDate.of(2026, 1, 2)),
                            Optional.empty(),
                            false,
                            print(out),
                            print(err)))
                    .isZero();
            List<String> lines = text(out).lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).matches("Date +Raw +Normalized +Status +Quality +Gaps");
            assertThat(lines.get(1))
                    .matches("2026-01-01 +180 rec, " + InventoryCommands.bytes(sizeOf(day1)) + " +- +partial +- +2");
            assertThat(lines.get(2)).matches("2026-01-02 +50 rec, .* +- +processing +- +0");
            out.reset();
            assertThat(InventoryCommands.list(
                            metadata,
                            Optional.of("kraken"),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.of(DataInventory.PARTIAL),
                            false,
                            print(out),
                            print(err)))
                    .isZero();
            assertThat(text(out).lines()).hasSize(2).last().asString().startsWith("2026-01-01");
            out.reset();

            assertThat(InventoryCommands.gaps(
                            metadata, "kraken", LocalDate.of(2026, 1, 1), false, print(out), print(err)))
                    .isZero();
            assertThat(text(out))
                    .contains("retention_loss   101..120")
                    .contains("connection_lost  130..131")
                    .contains("2026-01-01T00:01:00Z")
                    .contains("socket closed");
            out.reset();

            assertThat(InventoryCommands.list(
                            metadata,
                            Optional.of("kraken"),
                            Optional.of(LocalDate.of(2026, 1, 20)),
                            Optional.of(LocalDate.of(2026, 1, 20)),
                            Optional.empty(),
                            false,
                            print(out),
                            print(err)))
                    .isEqualTo(1);
            assertThat(text(err))
                    .isEqualTo("No data inventory for kraken on 2026-01-20 — latest available: 2026-01-02\n");
            err.reset();
            assertThat(InventoryCommands.gaps(
                            metadata, "krakn", LocalDate.of(2026, 1, 1), false, print(out), print(err)))
                    .isEqualTo(1);
            assertThat(text(err)).contains("unknown feed 'krakn'. Did you mean 'kraken'?");
        }
    }

    private static long sizeOf(Path dateDir) throws IOException {
        return ManifestStore.read(dateDir).orElseThrow().bytes();
    }

    @Test
    void gapsListsTypeSeqsTimesShardAndReason() {
        int code = DataCommand.Gaps.gaps(root, "kraken", LocalDate.of(2026, 1, 1), print(out), print(err));

        assertThat(code).isZero();
        assertThat(text(out))
                .contains("retention_loss   101..120")
                .contains("stream limits")
                .contains("connection_lost  130..131")
                .contains("2026-01-01T00:01:00Z")
                .contains("kraken-0");
    }

    @Test
    void commandsAreRegisteredWithTheirExitCodes() throws IOException {
        CommandLine cli = new CommandLine(new Main());
        assertThat(cli.execute("archive", "verify", root.toString())).isZero();
        // No database reachable: the data commands read the manifests under --root instead.
        Path config = Files.writeString(root.resolve("unreachable.conf"), """
                ssmd {
                  data-dir = "%s"
                  db { url = "jdbc:postgresql://127.0.0.1:1/none", connect-timeout = 1s }
                }
                """.formatted(root.resolve("node")));
        assertThat(cli.execute("data", "inventory", "--root", root.toString(), "--config", config.toString()))
                .isZero();
        assertThat(cli.execute(
                        "data",
                        "gaps",
                        "--root",
                        root.toString(),
                        "--config",
                        config.toString(),
                        "--feed",
                        "kraken",
                        "--date",
                        "2026-01-01"))
                .isZero();
        Files.writeString(day1.resolve("0000.jsonl.gz"), "not gzip");
        assertThat(new CommandLine(new Main()).execute("archive", "verify", root.toString()))
                .isEqualTo(1);
    }

    /**
     * {@code archive verify --remote}: the bucket compared with the manifests, through S3Proxy. A file marked uploaded
     * whose object is gone is reported (exit 1); once the object is there with its bytes, the archive is consistent.
     */
    @Test
    void verifyRemoteReportsAnUploadedFileMissingFromTheBucket() throws Exception {
        try (LabBucket bucket = LabBucket.start()) {
            Path envFile = bucket.environment(root, "lab", root);
            Map<String, String> env = LabBucket.CREDENTIALS;

            assertThat(ArchiveCommand.Verify.verifyRemote(root, envFile, env, print(out), print(err)))
                    .isEqualTo(1);
            assertThat(text(err))
                    .contains(
                            "2026-01-02/0000.jsonl.gz: marked uploaded, but"
                                    + " s3://lab-archive/ssmd/lab/kraken/LAB_KRAKEN/2026-01-02/0000.jsonl.gz is not in the bucket")
                    .doesNotContain("\"s\"");
            err.reset();

            bucket.put(
                    "lab/kraken/LAB_KRAKEN/2026-01-02/0000.jsonl.gz",
                    root.resolve("lab/kraken/LAB_KRAKEN/2026-01-02/0000.jsonl.gz"));
            assertThat(ArchiveCommand.Verify.verifyRemote(root, envFile, env, print(out), print(err)))
                    .as(text(err))
                    .isZero();
            assertThat(new CommandLine(new Main()).execute("archive", "verify", "--remote", root.toString()))
                    .isEqualTo(2);
        }
    }

    private static FileEntry segment(Path dir, String name, long first, long last) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (long seq = first; seq <= last; seq++) {
                gz.write(JsonLine.build(
                        DAY0 + seq,
                        seq,
                        "lab.kraken.json.trade.BTC-USD",
                        "k:" + seq,
                        ("{\"n\":" + seq + "}").getBytes(StandardCharsets.UTF_8)));
            }
        }
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        return new FileEntry(
                name,
                DAY0 + first,
                DAY0 + last,
                last - first + 1,
                Files.size(file),
                first,
                last,
                Map.of("trade", last - first + 1),
                md5,
                dir.getFileName().toString().equals("2026-01-02"));
    }

    private static void writeDay(Path dir, List<FileEntry> files, List<Gap> gaps) throws IOException {
        new ManifestStore()
                .write(
                        dir,
                        new Manifest(
                                "lab",
                                "kraken",
                                "LAB_KRAKEN",
                                dir.getFileName().toString(),
                                "gzip",
                                "1m",
                                files,
                                gaps,
                                List.of("BTC-USD"),
                                List.of("trade"),
                                false));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
