package io.ssmd.core.shard;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Reconnect delays: {@code min · 2^attempt}, capped at {@code max}, spread by ±{@code jitter} so that shards
 * dropped together (a venue restart) do not come back together.
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

    /** The delay before reconnect attempt {@code attempt} (0 for the first after a loss). */
    public Duration delay(int attempt, SplittableRandom random) {
        double base = min.toMillis() * Math.pow(2, Math.min(attempt, 30));
        double capped = Math.min(base, max.toMillis());
        double spread = jitter == 0 ? 0 : capped * jitter * (random.nextDouble() * 2 - 1);
        return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
    }
}
