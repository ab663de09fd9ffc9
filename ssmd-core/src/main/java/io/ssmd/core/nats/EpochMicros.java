package io.ssmd.core.nats;

import java.time.Instant;

/** ssmd's timestamps: microseconds since the Unix epoch, UTC, as in {@code Ssmd-Received-At} and archive lines. */
public final class EpochMicros {

    private EpochMicros() {}

    /** The current time in epoch µs (microsecond precision where the platform clock has it). */
    public static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
