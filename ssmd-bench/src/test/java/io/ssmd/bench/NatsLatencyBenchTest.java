package io.ssmd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatsLatencyBenchTest {

    /** A short pass on a real nats-server: every message paced out is acked and counted, and the figures are ordered. */
    @Test
    void aPacedPassAcksEveryMessageInBursts() {
        // 2,000 msgs/s in bursts of 10: a burst every 5 ms, 100 bursts in 500 ms.
        NatsLatencyBench.Pass pass = NatsLatencyBench.pass(2_000, 10, Duration.ofMillis(200), Duration.ofMillis(500));
        assertThat(pass.acked()).isEqualTo(1_000);
        assertThat(pass.burst()).isEqualTo(10);
        assertThat(pass.p50()).isPositive().isLessThanOrEqualTo(pass.p99());
        assertThat(pass.p99()).isLessThanOrEqualTo(pass.max());
        assertThat(pass.ackThreads().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(1_000);
        assertThat(pass.describe()).contains("in bursts of 10");
    }

    @Test
    void aRateThatIsNotANumberOrTooSmallIsRefusedByName() {
        assertThat(RateBench.rates("nats-latency", List.of("1000", "10000"), 1)).containsExactly(1_000, 10_000);
        assertThatThrownBy(() -> RateBench.rates("nats-latency", List.of("10k"), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nats-latency")
                .hasMessageContaining("'10k'");
        assertThatThrownBy(() -> RateBench.rates("nats-latency", List.of("0"), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
