package io.ssmd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** When the daily cycle runs next, across midnight and both of New York's clock changes. */
class ScheduleSpecTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void theNextCycleIsTodaysIfItIsStillAheadElseTomorrows() {
        ScheduleSpec utc = new ScheduleSpec(LocalTime.of(0, 15), ZoneOffset.UTC, ScheduleSpec.ROLLING);

        assertThat(utc.nextAfter(Instant.parse("2026-12-06T00:10:00Z"))).isEqualTo("2026-12-06T00:15:00Z");
        assertThat(utc.nextAfter(Instant.parse("2026-12-06T00:15:00Z"))).isEqualTo("2026-12-07T00:15:00Z");
        assertThat(utc.nextAfter(Instant.parse("2026-12-31T23:59:00Z"))).isEqualTo("2027-01-01T00:15:00Z");
    }

    @Test
    void aLocalTimeFollowsTheZonesOffsetThroughTheYear() {
        ScheduleSpec ny = new ScheduleSpec(LocalTime.of(0, 0), NEW_YORK, ScheduleSpec.TEARDOWN);

        // Winter: UTC-5; summer: UTC-4.
        assertThat(ny.nextAfter(Instant.parse("2026-12-06T12:00:00Z"))).isEqualTo("2026-12-07T05:00:00Z");
        assertThat(ny.nextAfter(Instant.parse("2026-07-01T12:00:00Z"))).isEqualTo("2026-07-02T04:00:00Z");
    }

    @Test
    void aTimeTheClocksSkipRunsAfterTheSkipAndATimeTheyRepeatRunsOnce() {
        // 2026-03-08: New York's clocks go from 02:00 to 03:00; 2026-11-01: from 02:00 back to 01:00.
        ScheduleSpec skipped = new ScheduleSpec(LocalTime.of(2, 30), NEW_YORK, ScheduleSpec.ROLLING);
        assertThat(skipped.nextAfter(Instant.parse("2026-03-08T05:00:00Z"))).isEqualTo("2026-03-08T07:30:00Z");

        ScheduleSpec repeated = new ScheduleSpec(LocalTime.of(1, 30), NEW_YORK, ScheduleSpec.ROLLING);
        Instant first = repeated.nextAfter(Instant.parse("2026-11-01T04:00:00Z"));
        assertThat(first).isEqualTo("2026-11-01T05:30:00Z");
        assertThat(repeated.nextAfter(first)).isEqualTo("2026-11-02T06:30:00Z");
    }

    @Test
    void anUnknownModeIsRefused() {
        assertThatThrownBy(() -> new ScheduleSpec(LocalTime.NOON, ZoneOffset.UTC, "nightly"))
                .hasMessageContaining("rolling, teardown");
    }
}
