package io.ssmd.core.nats;

import java.time.Duration;

/**
 * When a range of failed publishes is closed and announced as one {@code publish_failed} (DESIGN §4), from
 * {@code ssmd.connectors.publish-failed}: a long outage still reports as it goes, and no event grows without bound.
 *
 * @param maxAge         a range open this long is closed (at its next failure, or by its timer if none comes)
 * @param maxMessages    a range holding this many messages is closed
 * @param maxInstruments the most instruments one event lists; its {@code instrumentCount} says how many there were
 */
public record FailureRangeLimits(Duration maxAge, int maxMessages, int maxInstruments) {

    public FailureRangeLimits {
        if (maxAge.isNegative() || maxAge.isZero() || maxMessages < 1 || maxInstruments < 0) {
            throw new IllegalArgumentException("failure range limits must be above 0 (instruments at least 0): "
                    + maxAge + ", " + maxMessages + ", " + maxInstruments);
        }
    }

    /** 10 s, 10,000 messages, 100 instruments. */
    public static FailureRangeLimits defaults() {
        return new FailureRangeLimits(Duration.ofSeconds(10), 10_000, ControlEvent.MAX_INSTRUMENTS);
    }
}
