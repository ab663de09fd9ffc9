package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.meta.QualityIssueType;
import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.meta.QualityProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive counts quality issues per committed segment: a segment dropped before its commit (a crash, a storage
 * failure) is read again from the stream by the next attempt and counted then, once.
 */
class QualityTrackerTest {

    static final long NOW = DAY0 + 3_600_000_000L;

    @TempDir
    Path root;

    record Handed(QualityIssues.Day day, List<QualityIssues.Tally> tallies) {}

    final List<Handed> handed = new CopyOnWriteArrayList<>();
    final ArchiverMetrics.StreamMetrics metrics = ArchiverMetrics.create(new PrometheusRegistry()).stream("LAB_KRAKEN");

    private StreamArchive open() throws Exception {
        return open((day, tallies) -> handed.add(new Handed(day, tallies)));
    }

    private StreamArchive open(ArchiveQuality.Sink sink) throws Exception {
        ArchiveQuality quality = new ArchiveQuality(
                feed -> QualityProbe.NONE, ArchiveQuality.none().settings(), sink);
        return StreamArchive.open(
                new StreamArchive.Target(
                        root.resolve("lab/kraken/LAB_KRAKEN"),
                        new ManifestIdentity("lab", "kraken", "LAB_KRAKEN", "gzip", "1m"),
                        StorageSettings.Format.GZIP,
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5)),
                new ManifestStore(),
                () -> Optional.of(new StreamProbe.State(1, 6)),
                metrics,
                c -> {},
                quality);
    }

    /** Five trades, the fourth published again under the third's message id, and one unparsed frame. */
    private static void appendAll(StreamArchive archive) throws Exception {
        for (long seq = 1; seq <= 5; seq++) {
            archive.append(
                    ArchiveRecord.of(
                            seq,
                            DAY0 + seq * 1000,
                            "lab.kraken.json.trade.BTC-USD",
                            "kraken-0:1:" + (seq == 4 ? 3 : seq) + ":0",
                            ArchiveFixture.trade(seq)),
                    NOW);
        }
        archive.append(
                ArchiveRecord.of(
                        6,
                        DAY0 + 6000,
                        "lab.kraken.json.unparsed.kraken-0",
                        "kraken-0:1:6:0",
                        "not json".getBytes(StandardCharsets.UTF_8)),
                NOW);
    }

    @Test
    void aDroppedSegmentIsCountedOnlyWhenItIsWrittenAgainAndCommitted() throws Exception {
        StreamArchive first = open();
        appendAll(first);
        first.abort();
        assertThat(handed).isEmpty();

        StreamArchive again = open();
        assertThat(again.lastSeq()).isZero();
        appendAll(again);
        again.commit();

        assertThat(handed).hasSize(1);
        Handed h = handed.get(0);
        assertThat(h.day().date()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(h.day().stream()).isEqualTo("LAB_KRAKEN");
        assertThat(h.day().storagePath()).endsWith("lab/kraken/LAB_KRAKEN/2026-01-01");
        Map<QualityIssueType, Long> counts = new TreeMap<>();
        h.tallies().forEach(t -> counts.put(t.type(), t.count()));
        assertThat(counts).isEqualTo(Map.of(QualityIssueType.DUPLICATE, 1L, QualityIssueType.PARSE_ERROR, 1L));
        assertThat(h.tallies().stream()
                        .filter(t -> t.type() == QualityIssueType.DUPLICATE)
                        .findFirst()
                        .orElseThrow()
                        .sample())
                .contains("\"reason\":\"message id kraken-0:1:3:0 seen before\"", "\"seq\":4");
    }

    @Test
    void aSinkThatFailsCostsTheCountsNeverTheCommit() throws Exception {
        StreamArchive archive = open((day, tallies) -> {
            throw new java.util.concurrent.RejectedExecutionException("executor shut down");
        });
        appendAll(archive);
        archive.commit();

        assertThat(ManifestStore.read(root.resolve("lab/kraken/LAB_KRAKEN/2026-01-01")))
                .hasValueSatisfying(m -> assertThat(m.records()).isEqualTo(6));
        assertThat(archive.lastSeq()).isEqualTo(6);
    }

    @Test
    void aSegmentAfterAnotherCountsOnlyItsOwnIssues() throws Exception {
        StreamArchive archive = open();
        appendAll(archive);
        archive.commit();
        archive.append(
                ArchiveRecord.of(
                        7,
                        DAY0 + 61_000_000,
                        "lab.kraken.json.trade.BTC-USD",
                        "kraken-0:1:7:0",
                        ArchiveFixture.trade(7)),
                NOW);
        archive.commit();

        assertThat(handed).hasSize(2);
        assertThat(handed.get(1).tallies()).isEmpty();
    }
}
