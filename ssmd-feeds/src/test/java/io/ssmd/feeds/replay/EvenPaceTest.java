package io.ssmd.feeds.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EvenPaceTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);

    private final AtomicLong now = new AtomicLong(1_000 * MS);

    @Test
    void elementsAreDueOneGapApartNotInBursts() {
        EvenPace pace = new EvenPace(10_000, now::get);
        long first = pace.next();
        // The consumer asks for the next ones at once (it reads fast): each is still one gap after the previous.
        assertThat(pace.next()).isEqualTo(first + 100 * US);
        assertThat(pace.next()).isEqualTo(first + 200 * US);
        assertThat(pace.next()).isEqualTo(first + 300 * US);
        assertThat(first).isEqualTo(now.get());
    }

    @Test
    void aLateWakeUpIsMadeUpWithoutMovingTheSchedule() {
        EvenPace pace = new EvenPace(1_000, now::get);
        long first = pace.next();
        now.addAndGet(MS + 400 * US); // woken 0.4 ms after the second slot
        assertThat(pace.next()).isEqualTo(first + MS);
        assertThat(pace.next()).isEqualTo(first + 2 * MS);
    }

    @Test
    void aConsumerThatFellFarBehindGetsTheRateFromNowNotABurst() {
        EvenPace pace = new EvenPace(1_000, now::get);
        long first = pace.next();
        now.addAndGet(50 * MS); // the consumer stopped reading for 50 ms
        long resumed = pace.next();
        assertThat(resumed).isEqualTo(first + 50 * MS);
        assertThat(pace.next()).isEqualTo(resumed + MS);
    }

    @Test
    void anElementNotYetDueWaitsForItsSlot() throws Exception {
        EvenPace pace = new EvenPace(100);
        long start = System.nanoTime();
        pace.when("a").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(pace.when("b").toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isEqualTo("b");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(10 * MS);
    }

    @Test
    void aRateBelowOneIsRefused() {
        assertThatThrownBy(() -> new EvenPace(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
