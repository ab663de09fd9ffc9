package io.ssmd.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Retry delays: {@code min · 2^attempt}, capped at {@code max}, spread by ±{@code jitter}. One rule for everything
 * that retries (shard reconnects, discovery pages, publishes, the embedded nats-server), so that each reads the
 * same and is tested once. Jitter keeps clients dropped together (a venue restart) from coming back together.
 */
public record Backoff(Duration min, Duration max, double jitter) {

    public Backoff {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= min <= max, got " + min + " and " + max);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within 0..1, got " + jitter);
        }
    }

    /** The delay before retry {@code attempt} (0 for the first after a failure). */
    public Duration delay(int attempt, RandomGenerator random) {
        double base = min.toMillis() * Math.pow(2, Math.min(Math.max(attempt, 0), 30));
        double capped = Math.min(base, max.toMillis());
        double spread = jitter == 0 ? 0 : capped * jitter * (random.nextDouble() * 2 - 1);
        return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
    }

    /** {@link #delay(int, RandomGenerator)} with the thread's own random source, for callers that need no seed. */
    public Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current());
    }
}
