package io.ssmd.core.meta;

import java.time.Instant;
import java.util.Optional;

/**
 * The one rule for reading a versioned row: the version in effect at instant {@code t} is the one with
 * {@code from <= t < to}, where a NULL {@code to} is still open. "Now" when no instant is given.
 */
public final class AsOf {

    private AsOf() {}

    /** The SQL condition for columns {@code from} and {@code to}, bound to the named parameter {@code :asOf}. */
    public static String condition(String from, String to) {
        return from + " <= :asOf AND (" + to + " IS NULL OR " + to + " > :asOf)";
    }

    /** The instant to bind: the one asked for, or now. */
    public static Instant instant(Optional<Instant> asOf) {
        return asOf.orElseGet(Instant::now);
    }
}
