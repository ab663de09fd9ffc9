package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.nats.ControlEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shard handed off to another connector node (DESIGN §13): its {@code disconnected} with reason {@code handoff} on
 * the old node and its {@code connected} on the new one, a new epoch, are one {@code connection_lost} with reason
 * {@code handoff}, from the old connection's end to the new one's start; the new node's {@code alive}s do not end or
 * move it.
 */
class ControlGapsHandoffTest {

    private static final long E1 = 1_000_000_000_000L;
    private static final long E2 = E1 + 120_000_000L;
    private static final List<String> INSTRUMENTS = List.of("BTC/USD");

    @Test
    void aHandoffIsAConnectionLostGapWithReasonHandoffFromTheOldNodesEndToTheNewNodesStart() {
        ControlGaps gaps = new ControlGaps();
        assertThat(gaps.on(1, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-3", E1, E1, "", INSTRUMENTS)))
                .isEmpty();
        assertThat(gaps.on(
                        2,
                        ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-3", E1, E1 + 1_000_000L, "", List.of())))
                .isEmpty();
        long stoppedAt = E1 + 1_500_000L;
        assertThat(gaps.on(
                        3,
                        ControlEvent.of(
                                ControlEvent.DISCONNECTED,
                                "kraken",
                                "kraken-3",
                                E1,
                                stoppedAt,
                                ControlEvent.REASON_HANDOFF,
                                INSTRUMENTS)))
                .isEmpty();

        long connectedAt = E2 + 300_000L;
        assertThat(gaps.on(
                        4,
                        ControlEvent.of(
                                ControlEvent.CONNECTED, "kraken", "kraken-3", E2, connectedAt, "", INSTRUMENTS)))
                .singleElement()
                .satisfies(gap -> {
                    assertThat(gap.type()).isEqualTo(Gap.CONNECTION_LOST);
                    assertThat(gap.reason()).isEqualTo(Gap.HANDOFF);
                    assertThat(gap.start()).isEqualTo(stoppedAt);
                    assertThat(gap.end()).isEqualTo(connectedAt);
                    assertThat(gap.fromSeq()).isEqualTo(3);
                    assertThat(gap.toSeq()).isEqualTo(4);
                    assertThat(gap.instruments()).containsExactlyElementsOf(INSTRUMENTS);
                });
        assertThat(gaps.on(
                        5,
                        ControlEvent.of(ControlEvent.ALIVE, "kraken", "kraken-3", E2, connectedAt + 1, "", List.of())))
                .isEmpty();
    }
}
