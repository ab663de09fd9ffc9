package io.ssmd.core.shard;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The venue's own time in a frame, for {@code ssmd_connector_lag_seconds} (venue time to receive). Apart from the
 * decoder on purpose: it scans the frame's bytes for one field and never parses the frame, so the decoders stay as
 * fast as they are, and the shard calls it only on a sample of market-data frames. Pure and thread-safe.
 */
@FunctionalInterface
public interface VenueClock {

    /** For venues whose frames carry no usable time: no lag is measured. */
    VenueClock NONE = frame -> 0;

    /** The venue's time of the frame in epoch microseconds; 0 when the frame carries none. */
    long venueMicros(byte[] frame);

    /** Epoch milliseconds under {@code "key":}, a JSON number or a string of digits (Kraken Futures, Polymarket). */
    static VenueClock millisField(String key) {
        byte[] pattern = keyPattern(key);
        return frame -> {
            int at = indexOf(frame, pattern, 0);
            if (at < 0) {
                return 0;
            }
            int i = at + pattern.length;
            if (i < frame.length && frame[i] == '"') {
                i++;
            }
            long millis = 0;
            int digits = 0;
            for (; i < frame.length && frame[i] >= '0' && frame[i] <= '9' && digits < 16; i++, digits++) {
                millis = millis * 10 + (frame[i] - '0');
            }
            return digits == 0 ? 0 : millis * 1_000;
        };
    }

    /** An RFC 3339 time in a string under {@code "key":} ({@code "2026-08-16T23:37:03.745044Z"}, Kraken spot). */
    static VenueClock rfc3339Field(String key) {
        byte[] pattern = keyPattern(key);
        return frame -> {
            int at = indexOf(frame, pattern, 0);
            if (at < 0) {
                return 0;
            }
            int start = at + pattern.length;
            if (start >= frame.length || frame[start] != '"') {
                return 0;
            }
            int end = start + 1;
            while (end < frame.length && frame[end] != '"' && end - start < 40) {
                end++;
            }
            try {
                Instant instant =
                        Instant.parse(new String(frame, start + 1, end - start - 1, StandardCharsets.US_ASCII));
                return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
            } catch (DateTimeParseException e) {
                return 0;
            }
        };
    }

    /** The first of these clocks that finds a time. */
    static VenueClock firstOf(VenueClock... clocks) {
        return frame -> {
            for (VenueClock clock : clocks) {
                long micros = clock.venueMicros(frame);
                if (micros != 0) {
                    return micros;
                }
            }
            return 0;
        };
    }

    /**
     * This clock, but none for a frame that holds {@code marker}: snapshots carry the time of the book's last change
     * or of trades long past, not when the venue sent them, and would read as lag.
     */
    default VenueClock unless(String marker) {
        byte[] pattern = marker.getBytes(StandardCharsets.UTF_8);
        return frame -> indexOf(frame, pattern, 0) >= 0 ? 0 : venueMicros(frame);
    }

    private static byte[] keyPattern(String key) {
        return ("\"" + key + "\":").getBytes(StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] frame, byte[] pattern, int from) {
        int last = frame.length - pattern.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (frame[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
