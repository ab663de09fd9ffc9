package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.nats.ControlEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An {@code instrument_quiet} is a quality issue, not a gap: the connection was up and nothing it received was lost.
 * The archive keeps it in the stream (the day's quality issues count it) and its gap logic passes it by, as it does an
 * {@code alive}, without forgetting which instruments the connection carries.
 */
class ControlGapsQuietTest {

    private static final long E1 = 1_000_000_000_000L;
    private static final long E2 = E1 + 60_000_000L;

    @Test
    void anInstrumentQuietEventIsNoGapAndLeavesTheEpochsInstruments() {
        ControlGaps gaps = new ControlGaps();
        List<String> instruments = List.of("BTC/USD", "ETH/USD", "SOL/USD");

        assertThat(gaps.on(1, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E1, E1, "", instruments)))
                .isEmpty();
        assertThat(gaps.on(
                        2,
                        ControlEvent.instrumentQuiet(
                                "kraken",
                                "kraken-0",
                                E1,
                                E1 + 5_000_000L,
                                "ETH/USD book: nothing for 300.0 s while other instruments of the channel streamed;"
                                        + " resubscribed",
                                "ETH/USD",
                                "book",
                                300.0,
                                true)))
                .isEmpty();

        // The node dies: the next epoch's restart gap runs from the quiet event (the last sign of life) and names the
        // epoch's instruments, not only the quiet one.
        assertThat(gaps.on(3, ControlEvent.of(ControlEvent.CONNECTED, "kraken", "kraken-0", E2, E2, "", List.of())))
                .singleElement()
                .satisfies(gap -> {
                    assertThat(gap.type()).isEqualTo(Gap.CONNECTION_LOST);
                    assertThat(gap.start()).isEqualTo(E1 + 5_000_000L);
                    assertThat(gap.instruments()).containsExactlyElementsOf(instruments);
                });
    }

    @Test
    void anInstrumentQuietEventRoundTripsItsFields() {
        ControlEvent event = ControlEvent.instrumentQuiet(
                "kraken", "kraken-0", E1, E1 + 1, "why", "ETH/USD", "ticker", 12.345, false);

        ControlEvent read = ControlEvent.fromJson(event.toJson());

        assertThat(read).isEqualTo(event);
        assertThat(new String(event.toJson(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"event\":\"instrument_quiet\"")
                .contains("\"instruments\":[\"ETH/USD\"]")
                .contains("\"channel\":\"ticker\",\"quietSeconds\":12.345,\"resubscribed\":false");
    }
}
