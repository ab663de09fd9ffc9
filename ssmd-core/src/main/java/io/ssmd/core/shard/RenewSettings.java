package io.ssmd.core.shard;

import java.time.Duration;

/**
 * How a shard renews its connection (DESIGN §17, {@link FeedShard.Renew}).
 *
 * @param timeout how long the new connection may take to be subscribed and to hold every book's snapshot before the
 *                renewal fails (the old connection keeps publishing)
 * @param maxHeld the most book messages the new connection holds before the switch; more fails the renewal
 */
public record RenewSettings(Duration timeout, int maxHeld) {

    public RenewSettings {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("renew timeout must be above 0, got " + timeout);
        }
        if (maxHeld < 1) {
            throw new IllegalArgumentException("renew max-held must be at least 1, got " + maxHeld);
        }
    }

    /** 60 s and 200000 book messages. */
    public static RenewSettings defaults() {
        return new RenewSettings(Duration.ofSeconds(60), 200_000);
    }
}
