package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment read back from disk at startup (its manifest entry lags behind the file: the archiver that wrote it was
 * stopped between the rename and the manifest, or, before the archive directory lock, the archiver that moved to
 * another node still wrote while the new one started) replays control events that the manifest's shard marks already
 * hold. They are not counted twice: replayed, a shard's {@code connected} closed the hole its later {@code
 * disconnected} (reason {@code handoff}) had opened, a {@code connection_lost} from seq 10 back to seq 1 (seen in a
 * rolling restart of archiver nodes as 4226→6). A gap that ends before it starts is never recorded, and {@code verify}
 * reports one found in a manifest.
 */
class ReadBackGapsTest {

    private static final long NOW = Long.MAX_VALUE / 4;
    private static final long SECOND = 1_000_000L;
    private static final long E1 = DAY0 - 60 * SECOND;
    private static final long E2 = DAY0 + 30 * SECOND;
    private static final String SHARD = "kraken-0";
    private static final List<String> INSTRUMENTS = List.of("BTC/USD");

    @TempDir
    Path root;

    @Test
    void replayedEventsOfAnEpochTheMarksAlreadyHoldOpenAndCloseNothing() {
        ControlGaps live = new ControlGaps();
        List<ControlEvent> events = List.of(
                ControlEvent.of(ControlEvent.CONNECTED, "kraken", SHARD, E1, DAY0 + SECOND, "", INSTRUMENTS),
                ControlEvent.of(ControlEvent.ALIVE, "kraken", SHARD, E1, DAY0 + 2 * SECOND, "", List.of()),
                ControlEvent.of(
                        ControlEvent.DISCONNECTED,
                        "kraken",
                        SHARD,
                        E1,
                        DAY0 + 9 * SECOND,
                        ControlEvent.REASON_HANDOFF,
                        INSTRUMENTS));
        long[] seqs = {6, 100, 4226};
        for (int i = 0; i < events.size(); i++) {
            assertThat(live.on(seqs[i], events.get(i))).isEmpty();
        }

        // Read back with the marks as of the last commit, which already hold the disconnected at 4226.
        ControlGaps readBack = new ControlGaps(live.marks());
        List<Gap> replayed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            replayed.addAll(readBack.on(seqs[i], events.get(i)));
        }
        assertThat(replayed).as("gaps from replayed events").isEmpty();
        assertThat(readBack.marks()).isEqualTo(live.marks());

        // The new node's connection still ends the hand-off's hole, once.
        assertThat(readBack.on(
                        4300,
                        ControlEvent.of(ControlEvent.CONNECTED, "kraken", SHARD, E2, E2 + SECOND, "", INSTRUMENTS)))
                .singleElement()
                .satisfies(g -> {
                    assertThat(g.reason()).isEqualTo(Gap.HANDOFF);
                    assertThat(g.fromSeq()).isEqualTo(4226);
                    assertThat(g.toSeq()).isEqualTo(4300);
                });
    }

    @Test
    void aSegmentReadBackAtStartupRecordsOnlyTheHandoffHoleOnce() throws IOException {
        Path streamDir = ArchiveLayout.streamDir(root, "lab", "kraken", "LAB_KRAKEN");
        Path day = streamDir.resolve("2026-01-01");
        StreamArchive first = open(streamDir);
        first.append(control(1, ControlEvent.CONNECTED, E1, DAY0 + SECOND, ""), NOW);
        for (long seq = 2; seq <= 9; seq++) {
            first.append(trade(seq, DAY0 + seq * SECOND), NOW);
        }
        first.append(control(10, ControlEvent.DISCONNECTED, E1, DAY0 + 10 * SECOND, ControlEvent.REASON_HANDOFF), NOW);
        first.commit();
        // The file on disk is not the one its manifest entry describes (a later version renamed over it before the
        // manifest was rewritten): the next start reads it back, with the marks of the last commit.
        Manifest manifest = ManifestStore.read(day).orElseThrow();
        FileEntry entry = manifest.files().get(0);
        new ManifestStore()
                .write(
                        day,
                        manifest.withFile(
                                new FileEntry(
                                        entry.name(),
                                        entry.start(),
                                        entry.end(),
                                        entry.records(),
                                        entry.bytes() - 1,
                                        entry.firstSeq(),
                                        entry.lastSeq(),
                                        entry.recordsByType(),
                                        entry.md5(),
                                        false),
                                List.of(),
                                new java.util.TreeSet<>(),
                                new java.util.TreeSet<>()));

        StreamArchive second = open(streamDir);
        assertThat(second.lastSeq()).isEqualTo(10);
        assertThat(ArchiveFixture.gaps(streamDir))
                .as("gaps after the read-back")
                .isEmpty();
        second.append(control(11, ControlEvent.CONNECTED, E2, DAY0 + 31 * SECOND, ""), NOW);
        second.commit();

        assertThat(ArchiveFixture.gaps(streamDir)).singleElement().satisfies(g -> {
            assertThat(g.type()).isEqualTo(Gap.CONNECTION_LOST);
            assertThat(g.reason()).isEqualTo(Gap.HANDOFF);
            assertThat(g.fromSeq()).isEqualTo(10);
            assertThat(g.toSeq()).isEqualTo(11);
        });
        assertThat(ArchiveVerifier.verify(root).problems()).isEmpty();
    }

    @Test
    void aGapThatEndsBeforeItStartsIsNeverRecordedAndVerifyReportsOneFoundInAManifest() throws IOException {
        Path streamDir = ArchiveLayout.streamDir(root, "lab", "kraken", "LAB_KRAKEN");
        Path day = streamDir.resolve("2026-01-01");
        StreamArchive archive = open(streamDir);
        for (long seq = 1; seq <= 5; seq++) {
            archive.append(trade(seq, DAY0 + seq * SECOND), NOW);
        }
        archive.commit();
        Manifest manifest = ManifestStore.read(day).orElseThrow();
        Gap inverted =
                new Gap(Gap.CONNECTION_LOST, 4226L, 6L, DAY0, DAY0 + SECOND, SHARD, Gap.HANDOFF, null, "0000.jsonl.gz");
        assertThat(inverted.inverted()).isTrue();
        FileEntry entry = manifest.files().get(0);
        Manifest refused =
                manifest.withFile(entry, List.of(inverted), new java.util.TreeSet<>(), new java.util.TreeSet<>());
        assertThat(refused.gaps()).as("gaps recorded").isEmpty();

        // One in a manifest all the same (written by an ssmd before the check): verify names it.
        Path file = day.resolve(ArchiveLayout.MANIFEST);
        ObjectMapper json = ManifestStore.JSON;
        ObjectNode tree = (ObjectNode) json.readTree(file.toFile());
        ((ArrayNode) tree.withArray("gaps")).add(json.valueToTree(inverted));
        json.writeValue(file.toFile(), tree);
        assertThat(ArchiveVerifier.verify(root).problems())
                .extracting(ArchiveVerifier.Problem::what)
                .containsExactly("gap connection_lost of kraken-0 ends at seq 6 before it starts at seq 4226");
    }

    private static StreamArchive open(Path streamDir) throws IOException {
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
                () -> Optional.of(new StreamProbe.State(1, 1000)),
                ArchiverMetrics.create(new PrometheusRegistry()).stream("LAB_KRAKEN"),
                c -> {});
    }

    private static ArchiveRecord control(long seq, String event, long epoch, long ts, String reason) {
        ControlEvent e = ControlEvent.of(event, "kraken", SHARD, epoch, ts, reason, INSTRUMENTS);
        return ArchiveRecord.of(
                seq,
                ts,
                "lab.kraken.control." + event + "." + SHARD,
                "control:" + SHARD + ":" + epoch + ":" + event + ":" + ts,
                e.toJson());
    }

    private static ArchiveRecord trade(long seq, long ts) {
        return ArchiveRecord.of(seq, ts, "lab.kraken.json.trade.BTC-USD", "k:" + seq, ArchiveFixture.trade(seq));
    }
}
