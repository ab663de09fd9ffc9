package io.ssmd.archive;

import static io.ssmd.archive.ArchiveFixture.DAY0;
import static io.ssmd.archive.ArchiveFixture.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.impl.NatsMessage;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What is missing and why: retention loss, connector gaps, a NATS restart, a directory that cannot be written. */
class GapsAndFailuresTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    Path root;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private ArchiverHarness harness(String env, long maxMsgs, Connection nats) {
        ArchiveFixture.createStream(nats, env.toUpperCase() + "_KRAKEN", env, "kraken", maxMsgs);
        return new ArchiverHarness(env, "kraken", env.toUpperCase() + "_KRAKEN", root, StorageSettings.Format.GZIP);
    }

    @Test
    void messagesTheStreamDroppedBeforeTheyWereReadAreRetentionLoss() throws IOException {
        String env = NatsServerExtension.freshName("r").toLowerCase();
        Connection nats = NATS.connect();
        ArchiverHarness archiver = harness(env, 10, nats);
        String subject = env + ".kraken.json.trade.BTC-USD";
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "k", 1, 50, DAY0, 1000);

        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 10);
        archiver.stop();
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "k", 51, 30, DAY0 + MINUTE, 1000);
        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 20);
        archiver.stop();

        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(LongStream.concat(LongStream.rangeClosed(41, 50), LongStream.rangeClosed(71, 80))
                        .boxed()
                        .toList());
        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::fromSeq, Gap::toSeq, Gap::file)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Gap.RETENTION_LOSS, 1L, 40L, "0000.jsonl.gz"),
                        org.assertj.core.groups.Tuple.tuple(Gap.RETENTION_LOSS, 51L, 70L, "0001.jsonl.gz"));
        assertThat(ArchiveFixture.manifests(archiver.streamDir()).get(0).hasGaps())
                .isTrue();
        assertThat(archiver.metrics.stream(archiver.source.stream())
                        .gaps()
                        .labelValues(archiver.source.stream(), Gap.RETENTION_LOSS)
                        .get())
                .isEqualTo(2);
    }

    @Test
    void controlEventsBecomeTypedGaps() throws IOException {
        String env = NatsServerExtension.freshName("c").toLowerCase();
        Connection nats = NATS.connect();
        ArchiverHarness archiver = harness(env, 0, nats);
        JetStream js = nats.jetStream();
        String control = env + ".kraken.control.";
        long t = DAY0 + 10 * MINUTE;
        publishControl(js, control, ControlEvent.of("connected", "kraken", "kraken-1", 1, t, "", List.of()));
        publishControl(
                js, control, ControlEvent.of("disconnected", "kraken", "kraken-1", 1, t + 1, "stalled", List.of()));
        publishControl(js, control, ControlEvent.of("connected", "kraken", "kraken-1", 2, t + 9, "", List.of()));
        publishControl(
                js,
                control,
                ControlEvent.of("publish_failed", "kraken", "kraken-0", 1, t + 10, "timeout", List.of("BTC/USD")));
        publishControl(
                js,
                control,
                ControlEvent.of("resync", "kraken", "kraken-0", 1, t + 11, "checksum mismatch", List.of("ETH/USD")));

        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 5);
        archiver.stop();

        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::fromSeq, Gap::toSeq, Gap::start, Gap::end, Gap::shard, Gap::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                Gap.CONNECTION_LOST, 2L, 3L, t + 1, t + 9, "kraken-1", "stalled"),
                        org.assertj.core.groups.Tuple.tuple(
                                Gap.PUBLISH_FAILED, 4L, 4L, t + 10, t + 10, "kraken-0", "timeout"),
                        org.assertj.core.groups.Tuple.tuple(
                                Gap.BOOK_RESYNC, 5L, 5L, t + 11, t + 11, "kraken-0", "checksum mismatch"));
        assertThat(ArchiveFixture.gaps(archiver.streamDir()).get(1).instruments())
                .containsExactly("BTC/USD");
        for (String type : List.of(Gap.CONNECTION_LOST, Gap.PUBLISH_FAILED, Gap.BOOK_RESYNC)) {
            assertThat(archiver.metrics.stream(archiver.source.stream())
                            .gaps()
                            .labelValues(archiver.source.stream(), type)
                            .get())
                    .isEqualTo(1);
        }
    }

    /**
     * A publish_failed stands for a range of messages: its gap runs from the first one's receive time to the last
     * one's and counts them, one gap per range however many messages it holds.
     */
    @Test
    void aPublishFailedRangeIsOneGapSpanningItsMessages() throws IOException {
        String env = NatsServerExtension.freshName("r").toLowerCase();
        Connection nats = NATS.connect();
        ArchiverHarness archiver = harness(env, 0, nats);
        JetStream js = nats.jetStream();
        String control = env + ".kraken.control.";
        long t = DAY0 + 20 * MINUTE;
        publishControl(js, control, ControlEvent.of("connected", "kraken", "kraken-0", 1, t, "", List.of()));
        publishControl(
                js,
                control,
                ControlEvent.publishFailed(
                        "kraken",
                        "kraken-0",
                        1,
                        t + 12_000_000,
                        "outage",
                        List.of("BTC-USD"),
                        1,
                        t + 100,
                        t + 10_000_100,
                        4_321));
        publishControl(
                js,
                control,
                ControlEvent.publishFailed(
                        "kraken",
                        "kraken-0",
                        1,
                        t + 14_000_000,
                        "outage",
                        List.of("BTC-USD", "ETH-USD"),
                        2,
                        t + 10_000_200,
                        t + 13_000_000,
                        1_234));

        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 3);
        archiver.stop();

        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::fromSeq, Gap::toSeq, Gap::start, Gap::end, Gap::messages, Gap::instruments)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                Gap.PUBLISH_FAILED, 2L, 2L, t + 100, t + 10_000_100, 4_321L, List.of("BTC-USD")),
                        org.assertj.core.groups.Tuple.tuple(
                                Gap.PUBLISH_FAILED,
                                3L,
                                3L,
                                t + 10_000_200,
                                t + 13_000_000,
                                1_234L,
                                List.of("BTC-USD", "ETH-USD")));
    }

    @Test
    void aBackpressureEventIsAGapFromWindowFullToDrained() throws IOException {
        String env = NatsServerExtension.freshName("b").toLowerCase();
        Connection nats = NATS.connect();
        ArchiverHarness archiver = harness(env, 0, nats);
        JetStream js = nats.jetStream();
        String control = env + ".kraken.control.";
        long t = DAY0 + 10 * MINUTE;
        publishControl(js, control, ControlEvent.of("connected", "kraken", "kraken-0", 1, t, "", List.of("BTC/USD")));
        publishControl(
                js,
                control,
                new ControlEvent(
                        ControlEvent.BACKPRESSURE,
                        "kraken",
                        "kraken-0",
                        1,
                        t + 6_000_000,
                        "publish window full for 6000 ms",
                        List.of("BTC/USD"),
                        t + 1));

        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30)).until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 2);
        archiver.stop();

        assertThat(ArchiveFixture.gaps(archiver.streamDir()))
                .extracting(Gap::type, Gap::fromSeq, Gap::toSeq, Gap::start, Gap::end, Gap::shard, Gap::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        Gap.BACKPRESSURE, 2L, 2L, t + 1, t + 6_000_000, "kraken-0", "publish window full for 6000 ms"));
        assertThat(ArchiveFixture.gaps(archiver.streamDir()).get(0).instruments())
                .containsExactly("BTC/USD");
        assertThat(archiver.metrics.stream(archiver.source.stream())
                        .gaps()
                        .labelValues(archiver.source.stream(), Gap.BACKPRESSURE)
                        .get())
                .isEqualTo(1);
    }

    @Test
    void natsRestartedDuringArchivingLosesAndDoublesNothing() throws Exception {
        String env = NatsServerExtension.freshName("n").toLowerCase();
        Connection nats = NATS.connect();
        ArchiverHarness archiver = harness(env, 0, nats);
        String subject = env + ".kraken.json.trade.BTC-USD";
        int total = 20_000;
        AtomicLong published = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        archiver.start(KIT.system(), nats);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            JetStream js;
            try {
                js = nats.jetStream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            for (long n = 1; n <= total; n++) {
                NatsMessage message =
                        ArchiveFixture.message(subject, "k:" + n, DAY0 + n * 3000, ArchiveFixture.trade(n));
                // Retried until acked; Nats-Msg-Id makes a retry of a stored message a duplicate, not a second copy.
                while (true) {
                    try {
                        js.publish(message);
                        break;
                    } catch (IOException | JetStreamApiException | IllegalStateException e) {
                        if (failed.get()) {
                            return;
                        }
                    }
                }
                published.set(n);
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> published.get() > total / 3);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !ArchiveFixture.segments(archiver.streamDir()).isEmpty());
        NATS.restart();
        await().atMost(Duration.ofSeconds(60)).until(() -> published.get() > 2 * total / 3);
        NATS.restart();
        try {
            publisher.get(120, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            failed.set(true);
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == total);
        archiver.stop();

        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(ArchiveFixture.gaps(archiver.streamDir())).isEmpty();
    }

    @Test
    void anUnwritableDirectoryStopsConsumingUntilItClears() throws Exception {
        String env = NatsServerExtension.freshName("s").toLowerCase();
        Connection nats = NATS.connect();
        ArchiverHarness archiver = harness(env, 0, nats);
        String subject = env + ".kraken.json.trade.BTC-USD";
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "k", 1, 100, DAY0, 1000);
        archiver.start(KIT.system(), nats);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 100);

        // The next day's directory cannot be created: a file sits where it should go (root ignores permissions).
        Path blocked = Files.writeString(archiver.streamDir().resolve("2026-01-02"), "in the way");
        long nextDay = DAY0 + 24 * 60 * MINUTE;
        ArchiveFixture.publishTrades(nats.jetStream(), subject, "k", 101, 100, nextDay, 1000);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> archiver.streamMetrics().storageFailures().get() >= 1);
        assertThat(archiver.streamMetrics().storageOk().get()).isZero();
        assertThat(ArchiveFixture.committedRecords(archiver.streamDir())).isEqualTo(100);

        Files.delete(blocked);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ArchiveFixture.committedRecords(archiver.streamDir()) == 200);
        archiver.stop();

        assertThat(archiver.streamMetrics().storageOk().get()).isEqualTo(1);
        assertThat(ArchiveFixture.seqs(archiver.streamDir()))
                .isEqualTo(LongStream.rangeClosed(1, 200).boxed().toList());
        assertThat(ArchiveFixture.gaps(archiver.streamDir())).isEmpty();
    }

    private static void publishControl(JetStream js, String prefix, ControlEvent event) {
        ArchiveFixture.publish(
                js,
                ArchiveFixture.message(
                        prefix + event.event() + "." + event.shard(),
                        event.shard() + ":" + event.event() + ":" + event.ts(),
                        event.ts(),
                        event.toJson()));
    }
}
