package io.ssmd.core.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The environment's daily cycle (DESIGN §17): when it runs and how.
 *
 * @param time the local time of day the cycle starts, in {@code zone}
 * @param zone the time zone of {@code time} (an IANA name such as {@code America/New_York}; UTC by default)
 * @param mode {@link #ROLLING} (every shard renews its connection in place, no hole) or {@link #TEARDOWN} (the seeds'
 *             stop-everything-and-start-again, its hole recorded as a {@code scheduled_teardown} gap)
 */
public record ScheduleSpec(LocalTime time, ZoneId zone, String mode) {

    public static final String ROLLING = "rolling";
    public static final String TEARDOWN = "teardown";
    public static final List<String> MODES = List.of(ROLLING, TEARDOWN);

    public ScheduleSpec {
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("mode must be one of " + MODES + ", got " + mode);
        }
    }

    /**
     * The first start of the cycle strictly after {@code now}. On a day whose clocks skip {@code time} (the spring
     * change), the cycle runs at the same offset into the skipped hour's end, as {@link ZonedDateTime#of} places it;
     * on a day {@code time} occurs twice (the autumn change), it runs once, at the first.
     */
    public Instant nextAfter(Instant now) {
        LocalDate day = now.atZone(zone).toLocalDate();
        for (int i = 0; i < 3; i++) {
            Instant at = ZonedDateTime.of(day.plusDays(i), time, zone).toInstant();
            if (at.isAfter(now)) {
                return at;
            }
        }
        throw new IllegalStateException("no cycle within three days of " + now);
    }
}
