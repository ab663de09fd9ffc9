package io.ssmd.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations ({@code 250ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d}) and byte sizes ({@code 8MiB},
 * {@code 10GiB}, plain bytes) as written in the YAML files. Units are spelled exactly one way so that a file reads
 * the same to everyone: {@code 10GB} is rejected rather than guessed at (is it 10^9 or 2^30?).
 */
public final class Units {

    static final String DURATION_EXAMPLES = "a duration like 250ms, 30s, 15m, 2h or 7d";
    static final String SIZE_EXAMPLES = "a size like 512KiB, 8MiB, 10GiB or a plain number of bytes";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})(B|KiB|MiB|GiB|TiB)?");

    private Units() {}

    /** @throws IllegalArgumentException naming what was expected */
    public static Duration parseDuration(String text) {
        return parseDuration(text, DURATION_EXAMPLES);
    }

    /** @throws IllegalArgumentException saying {@code expected} */
    static Duration parseDuration(String text, String expected) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + expected + ", got '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** @throws IllegalArgumentException naming what was expected */
    public static long parseSize(String text) {
        return parseSize(text, SIZE_EXAMPLES);
    }

    /** @throws IllegalArgumentException saying {@code expected} */
    static long parseSize(String text, String expected) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            String hint = text.toUpperCase(Locale.ROOT).matches("\\d+\\s*[KMGT]I?B")
                    ? " (units are binary and spelled KiB, MiB, GiB, TiB)"
                    : "";
            throw new IllegalArgumentException("expected " + expected + ", got '" + text + "'" + hint);
        }
        long amount = Long.parseLong(m.group(1));
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            default -> 0;
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        return amount << shift;
    }

    /** The shortest exact spelling of a duration in the units above, for messages. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The shortest exact spelling of a size, for messages. */
    public static String formatSize(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes > 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return bytes + "B";
    }
}
