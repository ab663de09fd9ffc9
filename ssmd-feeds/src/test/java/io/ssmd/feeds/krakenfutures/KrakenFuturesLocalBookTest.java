package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.decode;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.subject;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import io.ssmd.feeds.krakenfutures.KrakenFuturesLocalBook.State;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-product book check: seq continuity, sane levels, one resync per broken book, checks again after it. */
class KrakenFuturesLocalBookTest {

    private static final String XBT = "PF_XBTUSD";
    private static final String ETH = "PF_ETHUSD";
    private static final List<String> RESUBSCRIBE_XBT = List.of(
            "{\"event\":\"unsubscribe\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}",
            "{\"event\":\"subscribe\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}");

    private final KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(List.of(XBT, ETH));

    private static String snapshot(String product, long seq) {
        return "{\"feed\":\"book_snapshot\",\"product_id\":\"" + product + "\",\"timestamp\":1,\"seq\":" + seq
                + ",\"tickSize\":null,\"bids\":[{\"price\":65360.0,\"qty\":0.5},{\"price\":65359,\"qty\":1.25}],"
                + "\"asks\":[{\"price\":65361.0,\"qty\":0.0021},{\"price\":65362.5,\"qty\":3}]}";
    }

    private static String delta(String product, long seq, String side, String price, String qty) {
        return "{\"feed\":\"book\",\"product_id\":\"" + product + "\",\"side\":\"" + side + "\",\"seq\":" + seq
                + ",\"price\":" + price + ",\"qty\":" + qty + ",\"timestamp\":2}";
    }

    private Decoded clean(String frame) {
        Decoded d = decode(decoder, frame);
        assertThat(d.kind()).as(frame).isEqualTo(Kind.DATA);
        assertThat(d.type()).isEqualTo("orderbook");
        assertThat(d.resyncs()).as(frame).isEmpty();
        assertThat(d.replies()).as(frame).isEmpty();
        return d;
    }

    @Test
    void consecutiveDeltasKeepTheBookFromTheWireDecimals() {
        clean(snapshot(XBT, 100));
        clean(delta(XBT, 101, "buy", "65360", "0.75"));
        // Deleted as written with another scale: 65359.0 is the level 65359.
        clean(delta(XBT, 102, "buy", "65359.0", "0.0"));
        clean(delta(XBT, 103, "sell", "65361.5", "2"));
        KrakenFuturesLocalBook book = book(XBT);
        assertThat(book.state()).isEqualTo(State.SYNCED);
        assertThat(book.seq()).isEqualTo(103);
        // The level keeps the latest wire text of its price (65360, from the delta), as the gateway's book does, so an
        // ssmd book snapshot of this book reads digit for digit like the gateway's.
        assertThat(book.bids()).containsExactly(entry("65360", "0.75"));
        assertThat(book.asks())
                .containsExactly(entry("65361.0", "0.0021"), entry("65361.5", "2"), entry("65362.5", "3"));
        assertThat(book.asks().get(new BigDecimal("65362.5")).toPlainString()).isEqualTo("3");
    }

    @Test
    void aSeqGapResyncsThatBookOnceAndPublishesTheDeltaAnyway() {
        clean(snapshot(XBT, 100));
        clean(snapshot(ETH, 500));
        clean(delta(XBT, 101, "buy", "65360.0", "1"));
        String gap = delta(XBT, 103, "sell", "65361.0", "0");
        Decoded broken = decode(decoder, gap);
        assertThat(broken.kind()).isEqualTo(Kind.DATA);
        assertThat(broken.messages()).singleElement().satisfies(m -> {
            assertThat(m.subject()).isEqualTo(subject("orderbook", XBT));
            assertThat(m.payload()).isEqualTo(KrakenFuturesFixtures.bytes(gap));
        });
        assertThat(broken.resyncs()).containsExactly(new Decoded.Resync(XBT, "seq gap: expected 102, got 103"));
        assertThat(broken.replies()).containsExactlyElementsOf(RESUBSCRIBE_XBT);

        // Until the fresh snapshot nothing about XBT is checked, however wrong, and nothing is reported again...
        clean(delta(XBT, 110, "buy", "65360.0", "-1"));
        clean(delta(XBT, 104, "sideways", "\"x\"", "\"y\""));
        assertThat(book(XBT).state()).isEqualTo(State.RESYNCING);
        // ...while the other product is still checked as before.
        clean(delta(ETH, 501, "sell", "65361.0", "4"));
        assertThat(book(ETH).state()).isEqualTo(State.SYNCED);

        // The fresh snapshot brings the checks back: a good delta passes, the next gap is reported again.
        clean(snapshot(XBT, 200));
        assertThat(book(XBT).state()).isEqualTo(State.SYNCED);
        clean(delta(XBT, 201, "sell", "65361.0", "0"));
        Decoded again = decode(decoder, delta(XBT, 201, "sell", "65362.5", "1"));
        assertThat(again.resyncs()).containsExactly(new Decoded.Resync(XBT, "seq gap: expected 202, got 201"));
        assertThat(again.replies()).containsExactlyElementsOf(RESUBSCRIBE_XBT);
    }

    @Test
    void aDeltaBeforeAnySnapshotIsABrokenBook() {
        Decoded d = decode(decoder, delta(XBT, 7, "buy", "1.0", "1.0"));
        assertThat(d.kind()).isEqualTo(Kind.DATA);
        assertThat(d.resyncs()).containsExactly(new Decoded.Resync(XBT, "book delta before any book_snapshot"));
        assertThat(d.replies()).containsExactlyElementsOf(RESUBSCRIBE_XBT);
        assertThat(decode(decoder, delta(XBT, 8, "buy", "1.0", "1.0")).resyncs())
                .isEmpty();
    }

    @Test
    void aNegativeQtyIsABrokenBook() {
        clean(snapshot(XBT, 100));
        Decoded d = decode(decoder, delta(XBT, 101, "sell", "65361.0", "-0.5"));
        assertThat(d.resyncs()).singleElement().satisfies(r -> {
            assertThat(r.instrument()).isEqualTo(XBT);
            assertThat(r.reason()).isEqualTo("negative qty -0.5 at sell 65361.0");
        });
    }

    @Test
    void anUnreadableDeltaIsABrokenBook() {
        clean(snapshot(XBT, 100));
        Decoded d = decode(decoder, delta(XBT, 101, "up", "65361.0", "1"));
        assertThat(d.resyncs())
                .extracting(Decoded.Resync::reason)
                .containsExactly("book delta with side 'up', expected buy or sell");
        clean(snapshot(XBT, 300));
        Decoded noSeq = decode(
                decoder,
                "{\"feed\":\"book\",\"product_id\":\"PF_XBTUSD\",\"side\":\"buy\"," + "\"price\":1.0,\"qty\":1.0}");
        assertThat(noSeq.resyncs())
                .extracting(Decoded.Resync::reason)
                .containsExactly("book delta without a whole-number seq");
    }

    @Test
    void anUnusableSnapshotIsABrokenBook() {
        Decoded d = decode(
                decoder,
                "{\"feed\":\"book_snapshot\",\"product_id\":\"PF_XBTUSD\",\"seq\":5,"
                        + "\"bids\":[{\"price\":1.0,\"qty\":-2}],\"asks\":[]}");
        assertThat(d.kind()).isEqualTo(Kind.DATA);
        assertThat(d.resyncs()).extracting(Decoded.Resync::reason).containsExactly("negative qty -2 at bids 1.0");
        assertThat(d.replies()).containsExactlyElementsOf(RESUBSCRIBE_XBT);
        assertThat(book(XBT).state()).isEqualTo(State.RESYNCING);
    }

    private KrakenFuturesLocalBook book(String product) {
        return decoder.book(product).orElseThrow();
    }

    private static Map.Entry<BigDecimal, BigDecimal> entry(String price, String qty) {
        return Map.entry(new BigDecimal(price), new BigDecimal(qty));
    }
}
