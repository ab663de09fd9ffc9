package io.ssmd.data.replay;

import java.time.Duration;
import java.time.Instant;

/**
 * How a replay went, for its summary.
 *
 * @param read     messages read from the archive that the filter let through (warm-up messages included)
 * @param sent     messages the target took
 * @param bytes    frame bytes sent
 * @param firstTs  receive time of the first message sent, epoch µs, or 0
 * @param lastTs   receive time of the last message sent, epoch µs, or 0
 * @param elapsed  wall time from the first message to the end
 * @param stopped  whether it was stopped (Ctrl-C, SIGTERM) before the end
 * @param delivery the target's own line (acked, duplicates, failed)
 */
public record ReplayResult(
        long read,
        long sent,
        long bytes,
        long firstTs,
        long lastTs,
        Duration elapsed,
        boolean stopped,
        String delivery) {

    /** Messages per second over the run. */
    public double rate() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? sent / seconds : 0;
    }

    /** The summary line printed at the end of every replay. */
    public String summary() {
        return String.format(
                java.util.Locale.ROOT,
                "%s: %,d messages sent (%,d read, %,d bytes) in %.1f s, %,.0f msgs/s; replayed %s .. %s; %s",
                stopped ? "replay stopped" : "replay done",
                sent,
                read,
                bytes,
                elapsed.toNanos() / 1e9,
                rate(),
                time(firstTs),
                time(lastTs),
                delivery);
    }

    static String time(long micros) {
        return micros == 0 ? "-" : Instant.ofEpochSecond(0, micros * 1000).toString();
    }
}
