package io.ssmd.core.meta;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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

    /**
     * An as-of instant as people write it: {@code 2026-12-01} (00:00 UTC that day) or an ISO instant
     * ({@code 2026-12-01T15:30:00Z}).
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static Instant parse(String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value
                    + "' is not a date; expected YYYY-MM-DD (00:00 UTC that day) or an instant like"
                    + " 2026-12-01T15:30:00Z");
        }
    }
}
