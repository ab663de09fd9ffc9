package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A full archive disk, for real: a 2 MiB tmpfs as the archive root, nearly filled. The archiver stops writing that
 * stream with an ERROR naming the directory and the free space and a failing {@link ArchiveStorage} state (what
 * {@code /v1/health} shows), commits nothing it could not write, does not write and drop the same segment in a loop,
 * and once space returns archives every sequence, verify clean.
 */
class ArchiveDiskFullTest {

    private static final int MESSAGES = 2_000;

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    Path dir;

    private final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            logged.add(event);
        }
    };
    private Path mounted;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @AfterEach
    void unmount() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(StreamArchiver.class);
        logger.detachAppender(appender);
        logger.setLevel(null);
        if (mounted != null) {
            run("umount", mounted.toString());
        }
    }

    @Test
    void aFullDiskStopsArchivingWithAnAlertAndResumesWithNothingLostWhenSpaceReturns() throws Exception {
        Path fs = Files.createDirectories(dir.resolve("small-fs"));
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "mounting a tmpfs needs root; this test runs as " + System.getProperty("user.name")
                        + " (the always-running file-size-limit test, ArchiveFileSizeLimitTest, covers the same path)");
        String mount = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", fs.toString());
        assumeTrue(
                mount.isEmpty(),
                "cannot mount a 2 MiB tmpfs at " + fs + " here (a container without" + " CAP_SYS_ADMIN?): " + mount);
        mounted = fs;
        Logger logger = (Logger) LoggerFactory.getLogger(StreamArchiver.class);
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
        appender.start();

        String env = NatsServerExtension.freshName("f").toLowerCase();
        String stream = env.toUpperCase() + "_KRAKEN";
        Connection nats = NATS.connect();
        ArchiveFixture.createStream(nats, stream, env, "kraken", 0);
        // About 1 MiB once gzipped, in one window: it cannot fit in the 400 KiB left.
        publishNoise(nats.jetStream(), env + ".kraken.json.trade.BTC-USD");
        Path filler = fs.resolve("filler");
        long usable = Files.getFileStore(fs).getUsableSpace();
        Files.write(filler, new byte[(int) (usable - 400 * 1024)]);
        ArchiverHarness archiver = new ArchiverHarness(env, "kraken", stream, fs, StorageSettings.Format.GZIP);
        archiver.start(KIT.system(), nats);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> archiver.streamMetrics().storageFailures().get() >= 1);
        assertThat(archiver.streamMetrics().storageOk().get()).isZero();
        assertThat(archiver.metrics.storage().failing())
                .hasEntrySatisfying(
                        stream,
                        detail -> assertThat(detail)
                                .contains(archiver.streamDir().toString(), "no space left", "free of 2.0 MiB"));
        List<ILoggingEvent> errors =
                logged.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertThat(errors)
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains(
                                "archive of " + stream + " stopped",
                                archiver.streamDir().toString(),
                                "free of 2.0 MiB"));
        // No write-fail-drop loop while the disk stays full: the retries wait for space, failing no further write.
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> archiver.streamMetrics().storageFailures().get() == 1);
        assertThat(logged.stream().filter(e -> e.getLevel() == Level.ERROR)).hasSize(1);
        assertThat(ArchiveFixture.committedRecords(archiver.streamDir())).isZero();
        assertThat(ArchiveFixture.manifests(archiver.streamDir()))
                .allMatch(m -> m.files().isEmpty());

        Files.delete(filler);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == MESSAGES);
        archiver.stop();

        assertThat(archiver.streamMetrics().storageOk().get()).isEqualTo(1);
        assertThat(archiver.metrics.storage().failing()).isEmpty();
        assertThat(logged.stream().map(ILoggingEvent::getFormattedMessage))
                .anyMatch(m -> m.contains("writes to " + archiver.streamDir() + " again"));
        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(LongStream.rangeClosed(1, MESSAGES).boxed().toList());
        assertThat(ArchiveFixture.gaps(archiver.streamDir())).isEmpty();
        ArchiveVerifier.Report report = ArchiveVerifier.verify(fs);
        assertThat(report.problems()).isEmpty();
        assertThat(report.streams()).singleElement().satisfies(s -> {
            assertThat(s.records()).isEqualTo(MESSAGES);
            assertThat(s.lastSeq()).isEqualTo(MESSAGES);
        });
    }

    /** Trades carrying 1 KiB of random hex each, so that gzip cannot shrink them much. */
    static void publishNoise(JetStream js, String subject) {
        Random random = new Random(13);
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int n = 1; n <= MESSAGES; n++) {
            byte[] noise = new byte[512];
            random.nextBytes(noise);
            byte[] data = ("{\"channel\":\"trade\",\"trade_id\":" + n + ",\"noise\":\""
                            + HexFormat.of().formatHex(noise) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            acks.add(js.publishAsync(ArchiveFixture.message(subject, "n:" + n, DAY0 + n * 1000L, data)));
        }
        acks.forEach(CompletableFuture::join);
    }

    /** Runs a command; its output when it failed, empty when it succeeded. */
    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return process.exitValue() == 0
                ? ""
                : String.join(" ", command) + " exited " + process.exitValue() + ": " + out;
    }
}
