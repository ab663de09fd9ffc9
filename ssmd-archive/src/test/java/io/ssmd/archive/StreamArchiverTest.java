package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static io.ssmd.archive.ArchiveFixture.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One stream archived into real files from a real nats-server: line format, rotation, restarts, manifests. */
class StreamArchiverTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    Path root;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private record Setup(String env, String feed, String stream, Connection nats, JetStream js) {
        String subject(String type, String token) {
            return env + "." + feed + ".json." + type + "." + token;
        }
    }

    private static Setup setup(long maxMsgs) throws IOException {
        String env = NatsServerExtension.freshName("t").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Connection nats = NATS.connect();
        ArchiveFixture.createStream(nats, stream, env, "kraken", maxMsgs);
        return new Setup(env, "kraken", stream, nats, nats.jetStream());
    }

    private ArchiverHarness harness(Setup s, StorageSettings.Format format) {
        return new ArchiverHarness(s.env(), s.feed(), s.stream(), root, format);
    }

    @Test
    void writesOneLinePerMessageInWindowFilesWithManifest() throws Exception {
        Setup s = setup(0);
        ArchiverHarness archiver = harness(s, StorageSettings.Format.GZIP);
        String subject = s.subject("trade", "BTC-USD");
        // Three one-minute windows: 00:00, 00:01, 00:02.
        ArchiveFixture.publishTrades(s.js(), subject, "k-0:1", 1, 300, DAY0, 600_000);
        ArchiveFixture.publish(
                s.js(),
                ArchiveFixture.message(
                        s.env() + ".kraken.json.unparsed.kraken-0",
                        "k-0:1:u",
                        DAY0 + 3 * MINUTE - 2,
                        "not json\n{\"".getBytes(StandardCharsets.UTF_8)));
        ArchiveFixture.publish(
                s.js(),
                ArchiveFixture.message(
                        subject,
                        "k-0:1:nl",
                        DAY0 + 3 * MINUTE - 1,
                        "{\"a\":\n[1,\r\n2],\"s\":\"x\\ny\"}".getBytes(StandardCharsets.UTF_8)));

        archiver.start(KIT.system(), s.nats());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 302);

        Path day = archiver.streamDir().resolve("2026-01-01");
        assertThat(ArchiveFixture.segments(archiver.streamDir()))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("0000.jsonl.gz", "0001.jsonl.gz", "0002.jsonl.gz");
        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(LongStream.rangeClosed(1, 302).boxed().toList());
        List<String> text = gunzipLines(day.resolve("0000.jsonl.gz"));
        assertThat(text.get(0))
                .isEqualTo("{\"ts\":" + DAY0 + ",\"seq\":1,\"subject\":\"" + subject + "\",\"id\":\"k-0:1:1\",\"data\":"
                        + new String(ArchiveFixture.trade(1), StandardCharsets.UTF_8) + "}");
        List<String> last = gunzipLines(day.resolve("0002.jsonl.gz"));
        assertThat(last.get(last.size() - 2)).endsWith(",\"raw\":\"not json\\n{\\\"\"}");
        assertThat(last.get(last.size() - 1)).endsWith(",\"data\":{\"a\": [1,  2],\"s\":\"x\\ny\"}}");

        Manifest manifest = ManifestStore.read(day).orElseThrow();
        assertThat(manifest.feed()).isEqualTo("kraken");
        assertThat(manifest.stream()).isEqualTo(s.stream());
        assertThat(manifest.date()).isEqualTo("2026-01-01");
        assertThat(manifest.format()).isEqualTo("gzip");
        assertThat(manifest.rotation()).isEqualTo("1m");
        assertThat(manifest.files()).extracting(FileEntry::records).containsExactly(100L, 100L, 102L);
        FileEntry first = manifest.files().get(0);
        assertThat(first.firstSeq()).isEqualTo(1);
        assertThat(first.lastSeq()).isEqualTo(100);
        assertThat(first.start()).isEqualTo(DAY0);
        assertThat(first.end()).isEqualTo(DAY0 + 99 * 600_000);
        assertThat(first.bytes()).isEqualTo(Files.size(day.resolve("0000.jsonl.gz")));
        assertThat(first.md5()).isEqualTo(ManifestRebuild.md5(day.resolve("0000.jsonl.gz")));
        assertThat(first.uploaded()).isFalse();
        assertThat(manifest.files().get(2).recordsByType())
                .containsEntry("trade", 101L)
                .containsEntry("unparsed", 1L);
        assertThat(manifest.tickers()).containsExactly("BTC-USD");
        assertThat(manifest.messageTypes()).containsExactly("trade", "unparsed");
        assertThat(manifest.hasGaps()).isFalse();
        assertThat(archiver.streamMetrics().messages().get()).isEqualTo(302);
        assertThat(archiver.streamMetrics().files().get()).isEqualTo(3);
        archiver.stop();
    }

    @Test
    void aBacklogOfPastWindowsIsWrittenOneFileEachWithoutReopening() throws Exception {
        Setup s = setup(0);
        ArchiverHarness archiver = harness(s, StorageSettings.Format.GZIP);
        // 5,000 messages received long ago, over two windows: the writer ticks every 1,024 messages meanwhile.
        ArchiveFixture.publishTrades(s.js(), s.subject("trade", "BTC-USD"), "k-0:1", 1, 5000, DAY0, 20_000);

        archiver.start(KIT.system(), s.nats());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 5000);
        archiver.stop();

        assertThat(ArchiveFixture.segments(archiver.streamDir())).hasSize(2);
        assertThat(archiver.streamMetrics().files().get()).isEqualTo(2);
    }

    @Test
    void restartsResumeAfterTheLastCommittedSeqAndReopenTheWindow() throws Exception {
        Setup s = setup(0);
        ArchiverHarness archiver = harness(s, StorageSettings.Format.ZSTD);
        String subject = s.subject("trade", "BTC-USD");
        ArchiveFixture.publishTrades(s.js(), subject, "k-0:1", 1, 500, DAY0, 1000);
        archiver.start(KIT.system(), s.nats());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 500);
        archiver.stop();

        // Same window again: the committed 0000 file is reopened, not duplicated.
        ArchiveFixture.publishTrades(s.js(), subject, "k-0:1", 501, 500, DAY0 + 500_000, 1000);
        archiver.start(KIT.system(), s.nats());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 1000);
        archiver.stop();
        archiver.start(KIT.system(), s.nats());
        archiver.stop();

        assertThat(ArchiveFixture.segments(archiver.streamDir()))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("0000.jsonl.zst");
        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(LongStream.rangeClosed(1, 1000).boxed().toList());
        FileEntry entry =
                ArchiveFixture.manifests(archiver.streamDir()).get(0).files().get(0);
        assertThat(entry.records()).isEqualTo(1000);
        assertThat(entry.firstSeq()).isEqualTo(1);
        assertThat(entry.lastSeq()).isEqualTo(1000);
        Path file = archiver.streamDir().resolve("2026-01-01/0000.jsonl.zst");
        assertThat(entry.md5()).isEqualTo(ManifestRebuild.md5(file));
    }

    @Test
    void manifestIsRebuiltFromTheFilesAndLeftoverTmpIsDiscarded() throws Exception {
        Setup s = setup(0);
        ArchiverHarness archiver = harness(s, StorageSettings.Format.GZIP);
        String control = s.env() + ".kraken.control.";
        ArchiveFixture.publishTrades(s.js(), s.subject("trade", "BTC-USD"), "k-0:1", 1, 100, DAY0, 1000);
        ArchiveFixture.publish(
                s.js(),
                ArchiveFixture.message(
                        control + "disconnected.kraken-0",
                        "c1",
                        DAY0 + MINUTE,
                        ControlEvent.of(
                                        "disconnected",
                                        "kraken",
                                        "kraken-0",
                                        1,
                                        DAY0 + MINUTE,
                                        "socket closed",
                                        List.of())
                                .toJson()));
        ArchiveFixture.publish(
                s.js(),
                ArchiveFixture.message(
                        control + "connected.kraken-0",
                        "c2",
                        DAY0 + 2 * MINUTE,
                        new ControlEvent(
                                        "connected",
                                        "kraken",
                                        "kraken-0",
                                        2,
                                        DAY0 + 2 * MINUTE,
                                        "",
                                        List.of("BTC/USD"),
                                        DAY0 + MINUTE)
                                .toJson()));
        archiver.start(KIT.system(), s.nats());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 102);
        archiver.stop();
        Path day = archiver.streamDir().resolve("2026-01-01");
        Manifest before = ManifestStore.read(day).orElseThrow();
        assertThat(before.gaps()).singleElement().satisfies(g -> {
            assertThat(g.type()).isEqualTo(Gap.CONNECTION_LOST);
            assertThat(g.start()).isEqualTo(DAY0 + MINUTE);
            assertThat(g.end()).isEqualTo(DAY0 + 2 * MINUTE);
            assertThat(g.fromSeq()).isEqualTo(101);
            assertThat(g.toSeq()).isEqualTo(102);
            assertThat(g.shard()).isEqualTo("kraken-0");
            assertThat(g.reason()).isEqualTo("socket closed");
        });

        Files.delete(day.resolve(ArchiveLayout.MANIFEST));
        Path leftover = Files.writeString(day.resolve("0003.jsonl.gz.tmp"), "half a segment");
        archiver.start(KIT.system(), s.nats());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(day.resolve(ArchiveLayout.MANIFEST)));
        archiver.stop();

        assertThat(leftover).doesNotExist();
        Manifest after = ManifestStore.read(day).orElseThrow();
        assertThat(after.files()).isEqualTo(before.files());
        assertThat(after.tickers()).isEqualTo(before.tickers());
        assertThat(after.messageTypes()).isEqualTo(before.messageTypes());
        assertThat(after.gaps()).isEqualTo(before.gaps());
        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(LongStream.rangeClosed(1, 102).boxed().toList());
    }

    private static List<String> gunzipLines(Path file) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }
}
