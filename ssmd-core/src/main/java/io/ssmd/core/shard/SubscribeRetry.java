package io.ssmd.core.shard;

import io.ssmd.core.Backoff;
import java.time.Duration;

/**
 * How a feed manager retries a market a shard or the venue refused ({@code ssmd.connectors.subscribe-retry}): it takes
 * the market out of its shard and places it again after {@code min-backoff}, doubling to {@code max-backoff}; after
 * {@code retries} retries still refused, the market is {@code dropped} (counted once in
 * {@code ssmd_secmaster_markets_dropped_total}, logged) and retried on at the longest backoff.
 *
 * @param confirmAfter a market placed this long ago on a streaming shard that reports no refusal of it is subscribed
 */
public record SubscribeRetry(Duration minBackoff, Duration maxBackoff, int retries, Duration confirmAfter) {

    public SubscribeRetry {
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("ssmd.connectors.subscribe-retry: needs 0 < min-backoff <= max-backoff,"
                    + " got " + minBackoff + " and " + maxBackoff);
        }
        if (retries < 0) {
            throw new IllegalArgumentException(
                    "ssmd.connectors.subscribe-retry.retries must be at least 0, got " + retries);
        }
    }

    /** The defaults of reference.conf. */
    public static SubscribeRetry defaults() {
        return new SubscribeRetry(Duration.ofSeconds(1), Duration.ofMinutes(1), 3, Duration.ofSeconds(2));
    }

    /** The wait before placing a market again after its {@code refusals}-th refusal (1 for the first). */
    Duration delay(int refusals) {
        return new Backoff(minBackoff, maxBackoff, 0.2).delay(refusals - 1);
    }
}
