package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.Backoff;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 0);

    @Test
    void lossesBackOffExponentiallyUpToTheMaximum() {
        ReconnectPolicy policy = new ReconnectPolicy("kraken-0");
        assertThat(IntStream.range(0, 7)
                        .mapToObj(i -> policy.afterEnd(BACKOFF, false, 0).toMillis()))
                .containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
    }

    @Test
    void aConnectionThatStreamedLongerThanTheLongestBackoffStartsItOver() {
        ReconnectPolicy policy = new ReconnectPolicy("kraken-0");
        policy.afterEnd(BACKOFF, false, 0);
        policy.afterEnd(BACKOFF, false, 0);
        assertThat(policy.afterEnd(BACKOFF, false, 1_999)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.afterEnd(BACKOFF, false, 2_001)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aDisconnectSsmdChoseReconnectsAtOnce() {
        ReconnectPolicy policy = new ReconnectPolicy("kraken-0");
        policy.afterEnd(BACKOFF, false, 0);
        assertThat(policy.afterEnd(BACKOFF, true, 0)).isZero();
    }

    @Test
    void scheduledReconnectsOfAFeedsShardsAreStaggeredWithinTheSecondHalfOfTheInterval() {
        Duration interval = Duration.ofMinutes(10);
        var delays = IntStream.range(0, 3)
                .mapToObj(i -> ReconnectPolicy.scheduledDelay(interval, i))
                .toList();
        assertThat(delays).allMatch(d -> d.compareTo(interval.dividedBy(2)) >= 0 && d.compareTo(interval) <= 0);
        assertThat(IntStream.range(0, 3).boxed().sorted(Comparator.comparing(delays::get)))
                .containsExactly(2, 0, 1);
    }

    @Test
    void aStallIsSilenceBeyondTheTimeoutAndSaysSo() {
        Duration timeout = Duration.ofSeconds(2);
        assertThat(ReconnectPolicy.stall(timeout, 2_000)).isEmpty();
        assertThat(ReconnectPolicy.stall(timeout, 2_001))
                .hasValueSatisfying(reason -> assertThat(reason).contains("no market data for 2001 ms"));
        assertThat(ReconnectPolicy.stallCheckEvery(Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ReconnectPolicy.stallCheckEvery(Duration.ofMillis(800))).isEqualTo(Duration.ofMillis(200));
    }
}
