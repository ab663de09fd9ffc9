package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How failed publishes become publish_failed ranges; the publisher across a real outage is PublisherRestartTest. */
class FailureRangesTest {

    static final long EPOCH = 1_767_225_600_000_000L;

    final Queue<ControlEvent> raised = new ConcurrentLinkedQueue<>();

    @Test
    void aRunOfFailuresIsOneEventClosedByTheNextAck() {
        FailureRanges ranges = new FailureRanges(raised::add);

        ranges.outcome(stored(0, "BTC-USD"));
        for (int n = 1; n <= 500; n++) {
            ranges.outcome(failed(n, n % 2 == 0 ? "BTC-USD" : "ETH-USD"));
            assertThat(raised).isEmpty();
        }
        ranges.outcome(failed(501, Subjects.unparsed("prod", "kraken", "kraken-0")));
        ranges.outcome(stored(502, "BTC-USD"));

        assertThat(raised).singleElement().satisfies(event -> {
            assertThat(event.event()).isEqualTo(ControlEvent.PUBLISH_FAILED);
            assertThat(event.shard()).isEqualTo("kraken-0");
            assertThat(event.epoch()).isEqualTo(EPOCH);
            assertThat(event.count()).isEqualTo(501);
            assertThat(event.first()).isEqualTo(receivedAt(1));
            assertThat(event.last()).isEqualTo(receivedAt(501));
            assertThat(event.instruments()).containsExactly("BTC-USD", "ETH-USD");
            assertThat(event.instrumentCount()).isEqualTo(2);
            assertThat(event.reason()).contains("501 messages", "kraken-0:" + EPOCH + ":1:0", "timeout");
        });
    }

    @Test
    void theInstrumentListIsCappedAndCounted() {
        FailureRanges ranges = new FailureRanges(raised::add);

        int instruments = ControlEvent.MAX_INSTRUMENTS + 50;
        IntStream.range(0, instruments).forEach(n -> ranges.outcome(failed(n, String.format("I%04d", n))));
        ranges.closeAll("end");

        assertThat(raised).singleElement().satisfies(event -> {
            assertThat(event.instruments()).hasSize(ControlEvent.MAX_INSTRUMENTS);
            assertThat(event.instruments()).first().isEqualTo("I0000");
            assertThat(event.instrumentCount()).isEqualTo(instruments);
            assertThat(event.count()).isEqualTo(instruments);
        });
    }

    @Test
    void aLongRunIsSplitByCountAndANewEpochStartsANewRange() {
        FailureRanges ranges = new FailureRanges(raised::add, new FailureRangeLimits(Duration.ofHours(1), 100, 100));

        IntStream.range(0, 250).forEach(n -> ranges.outcome(failed(n, "BTC-USD")));
        ranges.outcome(new PublishOutcome(
                new OutboundMessage(
                        Subjects.marketData("prod", "kraken", "trade", "BTC-USD"),
                        new byte[0],
                        "kraken",
                        "kraken-0",
                        EPOCH + 1,
                        0,
                        0,
                        receivedAt(250)),
                PublishOutcome.Status.FAILED,
                0,
                3,
                "timeout"));
        ranges.closeAll("end");

        assertThat(raised).extracting(ControlEvent::count).containsExactly(100L, 100L, 50L, 1L);
        assertThat(raised)
                .extracting(ControlEvent::first)
                .containsExactly(receivedAt(0), receivedAt(100), receivedAt(200), receivedAt(250));
        assertThat(raised).extracting(ControlEvent::epoch).containsExactly(EPOCH, EPOCH, EPOCH, EPOCH + 1);
    }

    @Test
    void aRangeThatStopsGrowingClosesWhenOldWithoutAnAckOnThePublishersTimer() {
        Queue<String> threads = new ConcurrentLinkedQueue<>();
        FailureRanges ranges = new FailureRanges(
                event -> {
                    threads.add(Thread.currentThread().getName());
                    raised.add(event);
                },
                new FailureRangeLimits(Duration.ofMillis(200), 10_000, 100));

        ranges.outcome(failed(0, "BTC-USD"));
        ranges.outcome(failed(1, "BTC-USD"));

        await().atMost(Duration.ofSeconds(10)).until(() -> raised.size() == 1);
        assertThat(raised.peek().count()).isEqualTo(2);
        // Not a thread of its own per range (what CompletableFuture's delayed executor starts on a 2-core machine).
        assertThat(threads).containsExactly(PublishTimer.THREAD_NAME);
        ranges.closeAll("end");
        assertThat(raised).hasSize(1);
    }

    @Test
    void theLimitsComeFromTheNodeSettings(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("application.conf"), """
                ssmd.connectors.publish-failed.max-messages = 40
                ssmd.connectors.publish-failed.max-instruments = 3
                """);
        FailureRangeLimits limits = NodeSettings.create(NodeConfig.load(Optional.of(file), Map.of()), Map.of())
                .connectors()
                .failureRanges();
        FailureRanges ranges = new FailureRanges(raised::add, limits);

        IntStream.range(0, 100).forEach(n -> ranges.outcome(failed(n, String.format("I%04d", n % 10))));
        ranges.closeAll("end");

        // Defaults would give one event of 100 messages listing all 10 instruments.
        assertThat(raised).extracting(ControlEvent::count).containsExactly(40L, 40L, 20L);
        assertThat(raised).allSatisfy(event -> {
            assertThat(event.instruments()).containsExactly("I0000", "I0001", "I0002");
            assertThat(event.instrumentCount()).isEqualTo(10);
        });
    }

    static long receivedAt(long n) {
        return EPOCH + 1_000 * n;
    }

    static PublishOutcome stored(long n, String token) {
        return new PublishOutcome(message(n, token), PublishOutcome.Status.STORED, n + 1, 1, "");
    }

    static PublishOutcome failed(long n, String tokenOrSubject) {
        return new PublishOutcome(message(n, tokenOrSubject), PublishOutcome.Status.FAILED, 0, 3, "timeout");
    }

    static OutboundMessage message(long n, String tokenOrSubject) {
        String subject = tokenOrSubject.contains(".")
                ? tokenOrSubject
                : Subjects.marketData("prod", "kraken", "trade", tokenOrSubject);
        return new OutboundMessage(subject, new byte[0], "kraken", "kraken-0", EPOCH, n, 0, receivedAt(n));
    }
}
