package io.ssmd.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pacing by the recorded receive times, on an injected clock that records each wait and moves its own time instead of
 * sleeping: the schedule is asserted, never the wall clock (DESIGN §12).
 */
class ReplayPacingTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit KIT = ActorTestKit.create();

    @TempDir
    static Path dir;

    private static ReplayArchiveFixture archive;

    @BeforeAll
    static void archive() throws Exception {
        archive = ReplayArchiveFixture.archive(KIT.system(), NATS.connect(), dir, StorageSettings.Format.GZIP);
    }

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    /** A clock whose time moves only when the replay waits; it records when each message was handed over. */
    static final class ManualClock implements ReplayClock {
        static final long START = 5_000_000_000L;
        long now = START;
        final List<Long> waits = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void waitUntil(long deadlineNanos) {
            waits.add(deadlineNanos);
            now = Math.max(now, deadlineNanos);
        }
    }

    /** Records the clock's time at which each message reached it. */
    static class Recording implements ReplayTarget {
        final ManualClock clock;
        final List<Long> sentAt = new ArrayList<>();
        final List<Long> ts = new ArrayList<>();

        Recording(ManualClock clock) {
            this.clock = clock;
        }

        @Override
        public boolean send(ReplayMessage message) {
            sentAt.add(clock.nanoTime());
            ts.add(message.message().ts());
            return true;
        }

        @Override
        public String finish() {
            return "recorded";
        }

        @Override
        public void close() {}
    }

    private static Recording replay(double speed, ManualClock clock) throws Exception {
        Recording target = new Recording(clock);
        try (ReplayMessages messages = ReplayMessages.open(archive.selection(), ReplayFilter.ALL)) {
            new ReplayRun(new ReplayPacer(speed, clock), clock, Optional.empty()).run(messages, target);
        }
        return target;
    }

    @Test
    void atSpeedTenEachMessageIsDueAtItsReceiveTimeOffsetDividedByTen() throws Exception {
        ManualClock clock = new ManualClock();

        Recording target = replay(10, clock);

        assertThat(target.ts).hasSize(archive.published.size());
        long first = target.ts.get(0);
        for (int i = 0; i < target.ts.size(); i++) {
            long offsetMicros = target.ts.get(i) - first;
            assertThat(target.sentAt.get(i) - ManualClock.START)
                    .as("message %d, received %d µs after the first", i, offsetMicros)
                    .isEqualTo(offsetMicros * 1000 / 10);
        }
        // Two days of archive: the second day's first trade is due a tenth of a day (minus its offset) later.
        assertThat(target.sentAt.get(target.sentAt.size() - 1) - ManualClock.START)
                .isEqualTo((ReplayArchiveFixture.DAY0 + ReplayArchiveFixture.DAY + 19 * 500_000L - first) * 100);
    }

    @Test
    void atFullSpeedNothingWaits() throws Exception {
        ManualClock clock = new ManualClock();

        Recording target = replay(Double.POSITIVE_INFINITY, clock);

        assertThat(target.ts).hasSize(archive.published.size());
        assertThat(clock.waits).isEmpty();
        assertThat(target.sentAt).containsOnly(ManualClock.START);
    }

    @Test
    void aStopEndsTheReplayAfterTheMessageInHandAndSaysSo() throws Exception {
        ManualClock clock = new ManualClock();
        List<Long> got = new ArrayList<>();
        ReplayRun[] run = new ReplayRun[1];
        ReplayTarget stopping = new Recording(clock) {
            @Override
            public boolean send(ReplayMessage message) {
                got.add(message.message().ts());
                if (got.size() == 5) {
                    run[0].stop();
                }
                return true;
            }
        };
        run[0] = new ReplayRun(new ReplayPacer(Double.POSITIVE_INFINITY, clock), clock, Optional.empty());
        ReplayResult result;
        try (ReplayMessages messages = ReplayMessages.open(archive.selection(), ReplayFilter.ALL)) {
            result = run[0].run(messages, stopping);
        }
        assertThat(got).hasSize(5);
        assertThat(result.stopped()).isTrue();
        assertThat(result.sent()).isEqualTo(5);
        assertThat(result.summary()).startsWith("replay stopped: 5 messages sent");
        assertThat(Thread.interrupted()).as("the stop's interrupt is cleared").isFalse();
    }
}
