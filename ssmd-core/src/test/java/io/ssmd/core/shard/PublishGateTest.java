package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of a renewal's publish gate that need no connection (the switch itself runs against the replay servers:
 * KrakenRenewalTest, KalshiRenewalTest): which subjects carry venue books, and the cut by receive time.
 */
class PublishGateTest {

    @Test
    void venueBookSubjectsAreFoundByTheirTypeWhereverTheCategorySits() {
        assertThat(PublishGate.bookToken("lab.kraken.json.orderbook.BTC-USD")).isEqualTo("BTC-USD");
        assertThat(PublishGate.bookToken("lab.kalshi.crypto.json.orderbook.KXETHD-26FEB1217-T1819_99"))
                .isEqualTo("KXETHD-26FEB1217-T1819_99");
        assertThat(PublishGate.bookToken("lab.kraken.json.trade.BTC-USD")).isNull();
        assertThat(PublishGate.bookToken("lab.kraken.json.orderbooks.BTC-USD")).isNull();
        // ssmd's own snapshots and system frames are no venue book.
        assertThat(PublishGate.bookToken("lab.kraken.ssmd.book.BTC-USD")).isNull();
        assertThat(PublishGate.bookToken("lab.kraken.json.system.kraken-0")).isNull();
        assertThat(PublishGate.bookToken("orderbook")).isNull();
    }

    @Test
    void theOldConnectionReadsWhatItReceivedBeforeTheSwitchAndNothingAfter() {
        PublishGate gate = PublishGate.open();
        assertThat(gate.holding()).isFalse();
        assertThat(gate.retired(1_000)).isFalse();

        gate.publishUntil(1_000);

        assertThat(gate.retired(999)).isFalse();
        assertThat(gate.retired(1_000)).isTrue();
    }

    @Test
    void aNewConnectionHoldsUntilTheSwitchAndThenPublishesWhatItReceivedFromIt() {
        PublishGate gate = PublishGate.holding(
                new PublishGate.Listener() {
                    @Override
                    public void ready() {}

                    @Override
                    public void failed(String detail) {}
                },
                false,
                false,
                10,
                List.of("BTC/USD"));
        assertThat(gate.holding()).isTrue();
        var trade = new io.ssmd.core.nats.OutboundMessage(
                "lab.kraken.json.trade.BTC-USD", new byte[] {'{', '}'}, "kraken", "kraken-0", 2, 1, 0, 999);
        Decoded decoded = Decoded.data("trade", List.of());

        assertThat(gate.pass(
                        List.of(trade),
                        decoded,
                        new FrameDecoder() {
                            @Override
                            public Decoded decode(byte[] frame) {
                                return decoded;
                            }
                        },
                        999))
                .as("a trade before the switch: the old connection published it")
                .isEmpty();
        gate.publishFrom(1_000);

        assertThat(gate.holding()).isFalse();
        assertThat(gate.pass(List.of(trade), decoded, frame -> decoded, 1_000)).containsExactly(trade);
        assertThat(gate.dropped()).isEqualTo(1);
    }
}
