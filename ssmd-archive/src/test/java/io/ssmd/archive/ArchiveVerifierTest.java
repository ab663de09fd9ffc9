package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} on archives written by {@link StreamArchive} directly, then damaged in the ways it must catch. */
class ArchiveVerifierTest {

    /** The archiver's clock: long after every receive time written here. */
    private static final long NOW = Long.MAX_VALUE / 4;

    @TempDir
    Path root;

    private Path streamDir;
    private Path day;

    @BeforeEach
    void writeArchive() throws IOException {
        streamDir = ArchiveLayout.streamDir(root, "lab", "kraken", "LAB_KRAKEN");
        day = streamDir.resolve("2026-01-01");
        StreamArchive archive = open(new StreamProbe.State(1, 400));
        for (long seq = 1; seq <= 300; seq++) {
            // seqs 101..110 never arrive: a jump the stream still covers, so a bus_gap.
            if (seq <= 100 || seq > 110) {
                archive.append(
                        ArchiveRecord.of(
                                seq,
                                DAY0 + seq * 1_000_000,
                                "lab.kraken.json.trade.BTC-USD",
                                "k:" + seq,
                                ArchiveFixture.trade(seq)),
                        NOW);
            }
        }
        archive.commit();
    }

    private StreamArchive open(StreamProbe.State state) throws IOException {
        StreamArchive.Target target = new StreamArchive.Target(
                streamDir,
                new ManifestIdentity("lab", "kraken", "LAB_KRAKEN", "gzip", "1m"),
                StorageSettings.Format.GZIP,
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofMinutes(5));
        return StreamArchive.open(
                target,
                new ManifestStore(),
                () -> Optional.of(state),
                ArchiverMetrics.create(new PrometheusRegistry()).stream("LAB_KRAKEN"),
                c -> {});
    }

    @Test
    void aConsistentArchiveVerifiesWithItsGapsCounted() throws IOException {
        ArchiveVerifier.Report report = ArchiveVerifier.verify(root);

        assertThat(report.problems()).isEmpty();
        assertThat(report.streams()).singleElement().satisfies(s -> {
            assertThat(s.files()).isEqualTo(6);
            assertThat(s.records()).isEqualTo(290);
            assertThat(s.firstSeq()).isEqualTo(1);
            assertThat(s.lastSeq()).isEqualTo(300);
            assertThat(s.gaps()).containsEntry(Gap.BUS_GAP, 1);
        });
    }

    @Test
    void aMissingRangeWithoutAGapIsReported() throws IOException {
        Manifest manifest = ManifestStore.read(day).orElseThrow();
        new ManifestStore().write(day, manifest.withoutGaps());

        assertThat(ArchiveVerifier.verify(root).problems())
                .singleElement()
                .satisfies(p -> assertThat(p.what())
                        .isEqualTo("seqs 101..110 missing with no bus_gap or" + " retention_loss recorded"));
    }

    @Test
    void damagedFilesDuplicatesAndStrangersAreReported() throws IOException {
        Path second = day.resolve("0001.jsonl.gz");
        byte[] bytes = Files.readAllBytes(second);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(second, bytes);
        Files.copy(day.resolve("0002.jsonl.gz"), day.resolve("0009.jsonl.gz"));

        assertThat(ArchiveVerifier.verify(root).problems())
                .extracting(p -> p.where().getFileName() + " " + p.what())
                .anyMatch(s -> s.startsWith("0001.jsonl.gz MD5 differs"))
                .anyMatch(s -> s.startsWith("0001.jsonl.gz unreadable") || s.contains("records, manifest says"))
                .anyMatch(s -> s.equals("0009.jsonl.gz on disk but not in the manifest"));
    }

    @Test
    void sequencesOutOfOrderAreReportedOncePerFile() throws IOException {
        Manifest manifest = ManifestStore.read(day).orElseThrow();
        Files.move(day.resolve("0004.jsonl.gz"), day.resolve("0007.jsonl.gz"));
        new ManifestStore().write(day, renamed(manifest, "0004.jsonl.gz", "0007.jsonl.gz"));

        assertThat(ArchiveVerifier.verify(root).problems())
                .extracting(p -> p.where().getFileName() + ": " + p.what())
                .containsExactly(
                        "0005.jsonl.gz: seqs 240..299 missing with no bus_gap or retention_loss recorded",
                        "0007.jsonl.gz: seq 240 after 300 (out of order)");
    }

    @Test
    void aSeqWrittenTwiceIsReported() throws IOException {
        Manifest manifest = ManifestStore.read(day).orElseThrow();
        Files.copy(day.resolve("0004.jsonl.gz"), day.resolve("0008.jsonl.gz"));
        FileEntry copy = manifest.file("0004.jsonl.gz").orElseThrow();
        new ManifestStore()
                .write(
                        day,
                        manifest.withFile(
                                new FileEntry(
                                        "0008.jsonl.gz",
                                        copy.start(),
                                        copy.end(),
                                        copy.records(),
                                        copy.bytes(),
                                        copy.firstSeq(),
                                        copy.lastSeq(),
                                        copy.recordsByType(),
                                        copy.md5(),
                                        false),
                                java.util.List.of(),
                                new java.util.TreeSet<>(),
                                new java.util.TreeSet<>()));

        assertThat(ArchiveVerifier.verify(root).problems())
                .extracting(ArchiveVerifier.Problem::what)
                .containsExactly("seq 240 after 300 (out of order)");
    }

    private static Manifest renamed(Manifest m, String from, String to) {
        java.util.List<FileEntry> files = m.files().stream()
                .map(f -> !f.name().equals(from)
                        ? f
                        : new FileEntry(
                                to,
                                f.start(),
                                f.end(),
                                f.records(),
                                f.bytes(),
                                f.firstSeq(),
                                f.lastSeq(),
                                f.recordsByType(),
                                f.md5(),
                                f.uploaded()))
                .toList();
        return new Manifest(
                m.env(),
                m.feed(),
                m.stream(),
                m.date(),
                m.format(),
                m.rotation(),
                files,
                m.gaps(),
                m.tickers(),
                m.messageTypes(),
                false);
    }
}
