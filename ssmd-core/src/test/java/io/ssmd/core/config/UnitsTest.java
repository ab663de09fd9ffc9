package io.ssmd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void parsesEveryDurationUnit() {
        assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Units.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Units.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void rejectsDurationsWithoutAKnownUnit() {
        for (String bad : List.of("30", "30 secs", "1.5s", "-5s", "15M", "")) {
            assertThatThrownBy(() -> Units.parseDuration(bad))
                    .hasMessageContaining("expected a duration like 250ms, 30s, 15m, 2h or 7d");
        }
    }

    @Test
    void parsesBinarySizesAndPlainBytes() {
        assertThat(Units.parseSize("8MiB")).isEqualTo(8L * 1024 * 1024);
        assertThat(Units.parseSize("10GiB")).isEqualTo(10L << 30);
        assertThat(Units.parseSize("512KiB")).isEqualTo(512L * 1024);
        assertThat(Units.parseSize("4096")).isEqualTo(4096L);
    }

    @Test
    void rejectsDecimalSizeUnitsWithAHint() {
        assertThatThrownBy(() -> Units.parseSize("10GB")).hasMessageContaining("spelled KiB, MiB, GiB, TiB");
        assertThatThrownBy(() -> Units.parseSize("lots")).hasMessageContaining("expected a size like");
    }

    @Test
    void formatsInTheLargestExactUnit() {
        assertThat(Units.format(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(Units.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.formatSize(8L << 20)).isEqualTo("8MiB");
        assertThat(Units.formatSize(1000)).isEqualTo("1000B");
    }

    @Test
    void suggestsTheClosestKeyForMisspellings() {
        List<String> keys = List.of("enabled", "instruments", "categories", "discovery");
        assertThat(ClosestKey.to("instrumnets", keys)).contains("instruments");
        assertThat(ClosestKey.to("Enabled", keys)).contains("enabled");
        assertThat(ClosestKey.to("symbols", keys)).isEmpty();
        assertThat(ClosestKey.to("max_age", List.of("max-age", "max-bytes"))).contains("max-age");
    }
}
