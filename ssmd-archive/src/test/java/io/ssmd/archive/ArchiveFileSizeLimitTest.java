package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nats.client.Connection;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write the filesystem refuses, without root: an archiver JVM started under a file-size limit ({@code prlimit
 * --fsize}, RLIMIT_FSIZE: a segment cannot grow past 100 KiB, writes fail with EFBIG as they would with ENOSPC on a
 * full disk). It stops that stream with one ERROR naming the directory and the free space, commits nothing it could not
 * write, and once the limit is lifted on the running process archives every sequence once, verify clean. The tmpfs
 * test (ArchiveDiskFullTest) shows the same with a real full disk where the test may mount one.
 */
class ArchiveFileSizeLimitTest {

    private static final int MESSAGES = 20_000;

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @TempDir
    Path root;

    private Process archiver;

    @AfterEach
    void kill() throws InterruptedException {
        if (archiver != null) {
            archiver.destroyForcibly().waitFor();
        }
    }

    @Test
    void aWriteTheFilesystemRefusesStopsTheStreamWithAnAlertAndResumesWhenItIsAllowed() throws Exception {
        Path prlimit = Path.of("/usr/bin/prlimit");
        assumeTrue(Files.isExecutable(prlimit), "needs prlimit (util-linux) to start a JVM with a file-size limit");
        String env = NatsServerExtension.freshName("z").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Connection nats = NATS.connect();
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        // 20,000 trades in one one-minute window: far more than 100 KiB once gzipped.
        ArchiveFixture.publishTrades(
                nats.jetStream(), env + ".kraken.json.trade.BTC-USD", "k", 1, MESSAGES, DAY0, 1000);
        Path streamDir = ArchiveLayout.streamDir(root, env, "kraken", stream);

        List<String> output = new CopyOnWriteArrayList<>();
        archiver = launch(prlimit, env, stream, output);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> output.stream().anyMatch(l -> l.contains("ERROR") && l.contains("stopped")));
        List<String> errors = output.stream()
                .filter(l -> l.contains("ERROR") && l.contains("StreamArchiver"))
                .toList();
        assertThat(errors)
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains(
                                "archive of " + stream + " stopped: cannot write " + streamDir,
                                "File too large",
                                "free of"));
        // Retried while refused, each time the same way: told once, and nothing committed.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(
                                output.stream().filter(l -> l.contains("ERROR") && l.contains("StreamArchiver")))
                        .hasSize(1));
        assertThat(ArchiveFixture.committedRecords(streamDir)).isZero();

        Process lift = new ProcessBuilder(
                        prlimit.toString(), "--pid", Long.toString(archiver.pid()), "--fsize=unlimited:unlimited")
                .redirectErrorStream(true)
                .start();
        assertThat(lift.waitFor())
                .as(new String(lift.getInputStream().readAllBytes()))
                .isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> ArchiveFixture.committedRecords(streamDir) == MESSAGES);
        archiver.destroyForcibly().waitFor();

        assertThat(ArchiveFixture.seqs(streamDir))
                .isEqualTo(LongStream.rangeClosed(1, MESSAGES).boxed().toList());
        assertThat(ArchiveFixture.gaps(streamDir)).isEmpty();
        ArchiveVerifier.Report report = ArchiveVerifier.verify(root);
        assertThat(report.problems()).isEmpty();
        assertThat(report.streams())
                .singleElement()
                .satisfies(s -> assertThat(s.records()).isEqualTo(MESSAGES));
    }

    /** ArchiverProcess in a JVM whose files may not grow past 100 KiB (soft limit; the hard one stays unlimited). */
    private Process launch(Path prlimit, String env, String stream, List<String> output) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        prlimit.toString(),
                        "--fsize=" + 100 * 1024 + ":unlimited",
                        java.toString(),
                        "-Xmx256m",
                        "-XX:-UsePerfData",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ArchiverProcess.class.getName(),
                        NATS.url(),
                        env,
                        "kraken",
                        stream,
                        root.toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture.runAsync(() -> out.lines().forEach(output::add));
        return process;
    }
}
