package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an archiver JVM in the middle of writing, three times, while 200,000 messages are published: after
 * restarts the archive holds every published sequence exactly once and verifies clean. And an archiver that starts on
 * a stream directory another JVM's archiver still writes (a singleton that moved to a node sharing the archive root)
 * writes nothing until that one is gone, then archives on from its last commit.
 */
class ArchiverCrashTest {

    private static final int TOTAL = 200_000;

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @TempDir
    Path root;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void killedThreeTimesWhileWritingStillArchivesEverySeqOnce() throws Exception {
        String env = NatsServerExtension.freshName("k").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Connection nats = NATS.connect();
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        Path streamDir = ArchiveLayout.streamDir(root, env, "kraken", stream);
        AtomicLong published = new AtomicLong();
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> publish(nats, env, published));

        Process archiver = launch(env, stream);
        List<Long> committedAtKill = new ArrayList<>();
        for (long mark : new long[] {30_000, 90_000, 150_000}) {
            // Kill once the archiver has committed past the mark: it is then in the middle of its next segment.
            await().atMost(Duration.ofSeconds(60)).until(() -> lastCommitted(streamDir) >= mark);
            archiver.destroyForcibly().waitFor();
            committedAtKill.add(lastCommitted(streamDir));
            archiver = launch(env, stream);
        }
        publisher.get(90, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> ArchiveFixture.committedRecords(streamDir) == TOTAL);
        archiver.destroyForcibly().waitFor();

        assertThat(published.get()).isEqualTo(TOTAL);
        assertThat(committedAtKill).allMatch(seq -> seq < TOTAL);
        assertThat(ArchiveFixture.seqs(streamDir))
                .isEqualTo(LongStream.rangeClosed(1, TOTAL).boxed().toList());
        ArchiveVerifier.Report report = ArchiveVerifier.verify(root);
        assertThat(report.problems()).isEmpty();
        assertThat(report.streams()).singleElement().satisfies(s -> {
            assertThat(s.records()).isEqualTo(TOTAL);
            assertThat(s.firstSeq()).isEqualTo(1);
            assertThat(s.lastSeq()).isEqualTo(TOTAL);
            assertThat(s.gaps()).isEmpty();
        });
    }

    @Test
    void anArchiverStartedWhileAnotherJvmWritesTheDirectoryWaitsForItThenArchivesEverySeqOnce() throws Exception {
        String env = NatsServerExtension.freshName("k").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Connection nats = NATS.connect();
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        Path streamDir = ArchiveLayout.streamDir(root, env, "kraken", stream);
        JetStream js = nats.jetStream();
        String subject = env + ".kraken.json.trade.BTC-USD";
        // 1,000 messages per one-minute window.
        ArchiveFixture.publishTrades(js, subject, "k", 1, 5_000, DAY0, 60_000);
        Process first = launch(env, stream);
        await().atMost(Duration.ofSeconds(60)).until(() -> lastCommitted(streamDir) >= 4_000);

        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "second-archiver");
        try {
            ArchiverHarness second =
                    new ArchiverHarness(env, "kraken", stream, root, StorageSettings.Format.GZIP).start(system, nats);
            // The first archiver archives these while the second waits for the directory.
            ArchiveFixture.publishTrades(js, subject, "k", 5_001, 5_000, DAY0 + 5_000 * 60_000L, 60_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> lastCommitted(streamDir) >= 9_000);
            assertThat(second.committed)
                    .as("files the second archiver committed while the first ran")
                    .isEmpty();

            first.destroyForcibly().waitFor();
            ArchiveFixture.publishTrades(js, subject, "k", 10_001, 2_000, DAY0 + 10_000 * 60_000L, 60_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> ArchiveFixture.committedRecords(streamDir) == 12_000);
            second.stop();

            assertThat(second.committed)
                    .as("files the second archiver committed once the first was gone")
                    .isNotEmpty();
            assertThat(ArchiveFixture.seqs(streamDir))
                    .isEqualTo(LongStream.rangeClosed(1, 12_000).boxed().toList());
            ArchiveVerifier.Report report = ArchiveVerifier.verify(root);
            assertThat(report.problems()).isEmpty();
            assertThat(report.streams())
                    .singleElement()
                    .satisfies(s -> assertThat(s.gaps()).isEmpty());
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    /** Publishes at a steady pace, so that the kills fall while messages are still arriving. */
    private static void publish(Connection nats, String env, AtomicLong published) {
        try {
            JetStream js = nats.jetStream();
            String subject = env + ".kraken.json.trade.BTC-USD";
            int chunk = 2_000;
            for (int first = 1; first <= TOTAL; first += chunk) {
                // 1,000 messages per one-minute window: a commit every thousand messages.
                ArchiveFixture.publishTrades(js, subject, "k", first, chunk, DAY0 + (first - 1) * 60_000L, 60_000);
                published.addAndGet(chunk);
                Thread.onSpinWait();
            }
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private static long lastCommitted(Path streamDir) {
        return ArchiveFixture.manifests(streamDir).stream()
                .mapToLong(Manifest::lastSeq)
                .max()
                .orElse(0);
    }

    private Process launch(String env, String stream) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-Xmx256m",
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
        processes.add(process);
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("started")) {
            // Log lines before the archiver is up are of no interest here.
        }
        // Drain the rest so that a chatty child never blocks on a full pipe.
        CompletableFuture.runAsync(() -> out.lines().forEach(l -> {}));
        return process;
    }
}
