package io.ssmd.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheMinimumUpToTheMaximumWithoutJitter() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0);
        SplittableRandom random = new SplittableRandom(1);
        assertThat(backoff.delay(0, random)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(1, random)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(3, random)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delay(4, random)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(1000, random)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterSpreadsShardsDroppedTogetherWithinItsBounds() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2);
        Set<Duration> seen = new HashSet<>();
        for (int shard = 0; shard < 50; shard++) {
            Duration delay = backoff.delay(2, new SplittableRandom(shard));
            assertThat(delay).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
            seen.add(delay);
        }
        assertThat(seen.size()).isGreaterThan(40);
    }

    @Test
    void withoutJitterTheDelayNeedsNoSeedAndNegativeAttemptsStartAtTheMinimum() {
        Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5), 0);
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(-1)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.1))
                .hasMessageContaining("min <= max");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.5))
                .hasMessageContaining("jitter");
    }
}
