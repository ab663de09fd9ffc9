package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.nats.ControlEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The daily cycle's teardown (DESIGN §17): a shard's {@code disconnected} with reason {@code scheduled_teardown} and
 * its {@code connected} after the startup are one {@code scheduled_teardown} gap, from the stop to the new connection;
 * any other reason stays a {@code connection_lost}.
 */
class ControlGapsTeardownTest {

    private static final long E1 = 1_000_000_000_000L;
    private static final long E2 = E1 + 900_000_000L;
    private static final List<String> INSTRUMENTS = List.of("BTC/USD");

    @Test
    void aTeardownIsOneScheduledTeardownGapFromTheStopToTheNextConnection() {
        ControlGaps gaps = new ControlGaps();
        gaps.on(1, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E1, E1, "", INSTRUMENTS));
        long stoppedAt = E1 + 2_000_000L;
        assertThat(gaps.on(
                        2,
                        ControlEvent.of(
                                ControlEvent.DISCONNECTED,
                                "kraken",
                                "kraken-0",
                                E1,
                                stoppedAt,
                                ControlEvent.REASON_SCHEDULED_TEARDOWN,
                                INSTRUMENTS)))
                .isEmpty();
        long connectedAt = E2 + 400_000L;

        assertThat(gaps.on(
                        3,
                        ControlEvent.of(
                                ControlEvent.CONNECTED, "kraken", "kraken-0", E2, connectedAt, "", INSTRUMENTS)))
                .singleElement()
                .satisfies(gap -> {
                    assertThat(gap.type()).isEqualTo(Gap.SCHEDULED_TEARDOWN);
                    assertThat(gap.reason()).isEqualTo("scheduled_teardown");
                    assertThat(gap.start()).isEqualTo(stoppedAt);
                    assertThat(gap.end()).isEqualTo(connectedAt);
                    assertThat(gap.fromSeq()).isEqualTo(2);
                    assertThat(gap.toSeq()).isEqualTo(3);
                });
        assertThat(Gap.TYPES).contains(Gap.SCHEDULED_TEARDOWN);
    }

    @Test
    void anotherReasonStaysAConnectionLost() {
        ControlGaps gaps = new ControlGaps();
        gaps.on(1, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E1, E1, "", INSTRUMENTS));
        gaps.on(
                2,
                ControlEvent.of(
                        ControlEvent.DISCONNECTED,
                        "kraken",
                        "kraken-0",
                        E1,
                        E1 + 1,
                        ControlEvent.REASON_SHUTDOWN,
                        INSTRUMENTS));

        assertThat(gaps.on(3, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E2, E2, "", INSTRUMENTS)))
                .singleElement()
                .satisfies(gap -> assertThat(gap.type()).isEqualTo(Gap.CONNECTION_LOST));
    }
}
