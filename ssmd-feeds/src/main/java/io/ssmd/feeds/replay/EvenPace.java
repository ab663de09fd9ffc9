package io.ssmd.feeds.replay;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Sends at a fixed rate, one element at a time, evenly spaced: element n is due {@code n / rate} seconds after the
 * first. A real venue at 10,000 messages a second sends one about every 100 µs; Pekko's {@code throttle} on its 10 ms
 * scheduler tick let 100 ms of elements go at once instead (110–119 frames in one TCP read at 10k/s, measured), so
 * the frames at the end of each burst waited for the rest and a benchmark's frame-to-ack measured the burst.
 *
 * <p>The delays run on the JDK's delay scheduler, which wakes within tens of microseconds. An element is due at its
 * slot; one whose slot passed less than {@link #CATCH_UP_NANOS} ago goes at once (a late wake-up is made up without a
 * burst of more than that much), one later than that moves the schedule (a consumer that reads slowly gets the rate it
 * reads at, not a burst when it comes back).
 */
final class EvenPace {

    /** How far behind its schedule the pace may be and still catch up, sending at once. */
    static final long CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long gapNanos;
    private final LongSupplier clock;
    private long nextNanos = Long.MIN_VALUE;

    /** {@code rate} elements a second; must be at least 1. */
    EvenPace(int rate) {
        this(rate, System::nanoTime);
    }

    EvenPace(int rate, LongSupplier clock) {
        if (rate < 1) {
            throw new IllegalArgumentException("a pace needs a rate of at least 1 a second, got " + rate);
        }
        this.gapNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        this.clock = clock;
    }

    /** The time (System.nanoTime) the next element is due, and the schedule moved past it. */
    long next() {
        long now = clock.getAsLong();
        long due = nextNanos == Long.MIN_VALUE || now - nextNanos > CATCH_UP_NANOS ? now : nextNanos;
        nextNanos = due + gapNanos;
        return due;
    }

    /** {@code element}, once it is due. */
    <T> CompletionStage<T> when(T element) {
        long wait = next() - clock.getAsLong();
        if (wait <= 0) {
            return CompletableFuture.completedFuture(element);
        }
        return CompletableFuture.supplyAsync(
                () -> element, CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS));
    }
}
