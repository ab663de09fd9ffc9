package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of a renewal's publish gate that need no connection (the switch itself runs against the replay servers:
 * KrakenRenewalTest, KalshiRenewalTest): which subjects carry venue books, and the cut by receive time.
 */
class PublishGateTest {

    private static final java.util.Set<String> ORDERBOOK = java.util.Set.of("orderbook");
    private static final java.util.Set<String> POLYMARKET =
            java.util.Set.of("book", "price_change", "price_change_v0", "price_change_v1");

    @Test
    void venueBookSubjectsAreFoundByTheirTypeWhereverTheCategorySits() {
        assertThat(PublishGate.bookToken("lab.kraken.json.orderbook.BTC-USD", ORDERBOOK))
                .isEqualTo("BTC-USD");
        assertThat(PublishGate.bookToken("lab.kalshi.crypto.json.orderbook.KXETHD-26FEB1217-T1819_99", ORDERBOOK))
                .isEqualTo("KXETHD-26FEB1217-T1819_99");
        assertThat(PublishGate.bookToken("lab.kraken.json.trade.BTC-USD", ORDERBOOK))
                .isNull();
        assertThat(PublishGate.bookToken("lab.kraken.json.orderbooks.BTC-USD", ORDERBOOK))
                .isNull();
        // ssmd's own snapshots and system frames are no venue book.
        assertThat(PublishGate.bookToken("lab.kraken.ssmd.book.BTC-USD", ORDERBOOK))
                .isNull();
        assertThat(PublishGate.bookToken("lab.kraken.json.system.kraken-0", ORDERBOOK))
                .isNull();
        assertThat(PublishGate.bookToken("orderbook", ORDERBOOK)).isNull();
        // A venue whose books go on its own types (Polymarket's book and price_change, on the market's condition id).
        assertThat(PublishGate.bookToken("lab.polymarket.json.book.0xabc", POLYMARKET))
                .isEqualTo("0xabc");
        assertThat(PublishGate.bookToken("lab.polymarket.json.price_change.0xabc", POLYMARKET))
                .isEqualTo("0xabc");
        assertThat(PublishGate.bookToken("lab.polymarket.json.last_trade_price.0xabc", POLYMARKET))
                .isNull();
        assertThat(PublishGate.bookToken("lab.polymarket.json.book.0xabc", ORDERBOOK))
                .isNull();
    }

    @Test
    void aNewConnectionWhoseVenueBooksGoOnTheirOwnTypesHoldsTheirSnapshotsAndIsReady() {
        // A Polymarket-like decoder: its one asset's book is checked once its `book` event is decoded, and the book
        // messages go on `book` and `price_change` of the market's condition id, not on `orderbook`.
        java.util.List<String> checked = new java.util.ArrayList<>();
        FrameDecoder decoder = new FrameDecoder() {
            @Override
            public Decoded decode(byte[] frame) {
                return Decoded.pong();
            }

            @Override
            public java.util.Collection<String> checkedBooks() {
                return checked;
            }

            @Override
            public String bookToken(String asset) {
                return "0xabc";
            }

            @Override
            public java.util.Set<String> bookTypes() {
                return POLYMARKET;
            }
        };
        java.util.concurrent.atomic.AtomicInteger ready = new java.util.concurrent.atomic.AtomicInteger();
        PublishGate gate = PublishGate.holding(
                new PublishGate.Listener() {
                    @Override
                    public void ready() {
                        ready.incrementAndGet();
                    }

                    @Override
                    public void failed(String detail) {
                        throw new AssertionError(detail);
                    }
                },
                true,
                true,
                10,
                List.of("123"));
        gate.pass(List.of(), Decoded.pong(), decoder, 1);
        assertThat(ready).hasValue(0);
        var book = new io.ssmd.core.nats.OutboundMessage(
                "lab.polymarket.json.book.0xabc", new byte[] {'{', '}'}, "polymarket", "polymarket-0", 2, 2, 0, 2);
        checked.add("123");

        gate.pass(List.of(book), Decoded.data("book", List.of()), decoder, 2);

        assertThat(ready).as("the book snapshot is held and the probe answered").hasValue(1);
        assertThat(gate.waitingFor()).isEqualTo("nothing");
        gate.publishFrom(3);
        assertThat(gate.pass(List.of(), Decoded.pong(), decoder, 3)).containsExactly(book);
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
