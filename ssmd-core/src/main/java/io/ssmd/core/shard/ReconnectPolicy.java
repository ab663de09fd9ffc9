package io.ssmd.core.shard;

import io.ssmd.core.Backoff;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * When one shard connects again, apart from how it connects ({@link FeedShard}): the backoff after a loss, which starts
 * over once a connection has proved healthy; no wait after a disconnect ssmd chose; the stagger of scheduled
 * reconnects across a feed's shards; and the data-silence verdict of the stall watchdog.
 */
final class ReconnectPolicy {

    /** The stagger of scheduled reconnects: shard n goes at interval × (1 − ½·frac(n·φ)), spread evenly. */
    private static final double GOLDEN = 0.6180339887498949;

    private final SplittableRandom random;
    private int attempt;

    ReconnectPolicy(String shard) {
        this.random = new SplittableRandom(shard.hashCode() ^ System.nanoTime());
    }

    /**
     * The wait before the next connection, after one ended.
     *
     * @param backoff        the feed's reconnect backoff
     * @param chosen         ssmd ended it (new instruments, a scheduled reconnect) and nothing failed: no wait
     * @param streamedMillis how long it streamed, 0 when it never did; longer than the longest backoff means it was
     *                       healthy, and the backoff starts over
     */
    Duration afterEnd(Backoff backoff, boolean chosen, long streamedMillis) {
        if (streamedMillis > backoff.max().toMillis()) {
            attempt = 0;
        }
        return chosen ? Duration.ZERO : backoff.delay(attempt++, random);
    }

    /** Why a streaming connection counts as stalled, or empty: it answers, but no market data came for the timeout. */
    static Optional<String> stall(Duration timeout, long dataSilenceMs) {
        if (dataSilenceMs <= timeout.toMillis()) {
            return Optional.empty();
        }
        return Optional.of("stalled: no market data for " + dataSilenceMs + " ms although the connection answers"
                + " (data-silence watchdog, " + timeout.toMillis() + " ms)");
    }

    /** A quarter of the timeout, at most a second: a stall is found within 1.25 × the timeout. */
    static Duration stallCheckEvery(Duration timeout) {
        Duration quarter = timeout.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : quarter;
    }

    /** Shard n reconnects after interval × (1 − ½·frac((n + 1)·φ)): the shards of a feed never go together. */
    static Duration scheduledDelay(Duration interval, int index) {
        double spread = ((index + 1) * GOLDEN) % 1.0;
        return Duration.ofMillis((long) (interval.toMillis() * (1.0 - 0.5 * Math.abs(spread))));
    }
}
