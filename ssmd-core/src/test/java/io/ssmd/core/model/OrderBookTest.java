package io.ssmd.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderBookTest {

    private static Level level(String price, String size) {
        return new Level(new BigDecimal(price), new BigDecimal(size));
    }

    private static BookSnapshot snapshot(List<Level> bids, List<Level> asks) {
        return new BookSnapshot("f", "X", bids, asks, 1);
    }

    private static BookDelta absolute(List<Level> bids, List<Level> asks) {
        return new BookDelta("f", "X", bids, asks, false, 2);
    }

    private static BookDelta incremental(List<Level> bids, List<Level> asks) {
        return new BookDelta("f", "X", bids, asks, true, 3);
    }

    @Test
    void aSnapshotReplacesTheBookAndComesBackBestFirstWhateverItsOrder() {
        OrderBook book = OrderBook.unlimited();
        book.apply(snapshot(List.of(level("9", "1")), List.of(level("11", "1"))));

        book.apply(snapshot(
                List.of(level("0.48", "30"), level("0.50", "15"), level("0.49", "20")),
                List.of(level("0.54", "10"), level("0.52", "25"), level("0.53", "60"))));

        BookSnapshot now = book.snapshot("polymarket", "A", 99);
        assertThat(now.bids()).containsExactly(level("0.50", "15"), level("0.49", "20"), level("0.48", "30"));
        assertThat(now.asks()).containsExactly(level("0.52", "25"), level("0.53", "60"), level("0.54", "10"));
        assertThat(now.feed()).isEqualTo("polymarket");
        assertThat(now.instrument()).isEqualTo("A");
        assertThat(now.ts()).isEqualTo(99);
    }

    @Test
    void anAbsoluteDeltaSetsAndRemovesLevelsAndIsReturnedAsIs() {
        OrderBook book = OrderBook.unlimited();
        book.apply(snapshot(List.of(level("100", "1"), level("99", "2")), List.of(level("101", "3"))));

        BookDelta out = book.apply(absolute(List.of(level("99", "0"), level("98", "5")), List.of(level("101", "4"))));

        assertThat(out.incremental()).isFalse();
        assertThat(out.bids()).containsExactly(level("99", "0"), level("98", "5"));
        assertThat(out.asks()).containsExactly(level("101", "4"));
        assertThat(out.ts()).isEqualTo(2);
        BookSnapshot now = book.snapshot("f", "X", 0);
        assertThat(now.bids()).containsExactly(level("100", "1"), level("98", "5"));
        assertThat(now.asks()).containsExactly(level("101", "4"));
    }

    @Test
    void pricesAreOneLevelByValueAndTheLatestTextIsKept() {
        OrderBook book = OrderBook.unlimited();
        book.apply(snapshot(List.of(level("1.5", "10")), List.of()));

        book.apply(absolute(List.of(level("1.50", "12")), List.of()));

        assertThat(book.bidCount()).isEqualTo(1);
        Level only = book.snapshot("f", "X", 0).bids().get(0);
        assertThat(only.price().toPlainString()).isEqualTo("1.50");
        assertThat(only.size()).isEqualByComparingTo("12");
        book.apply(absolute(List.of(level("1.500", "0.00")), List.of()));
        assertThat(book.bidCount()).isZero();
    }

    @Test
    void anIncrementalDeltaAddsSignedChangesAndReturnsTheNewAbsoluteSizes() {
        OrderBook book = OrderBook.unlimited();
        book.apply(snapshot(
                List.of(level("0.0800", "300.00"), level("0.2200", "333.00")), List.of(level("0.4400", "146.00"))));

        BookDelta out = book.apply(incremental(
                List.of(level("0.08", "10.00"), level("0.2200", "-333.00"), level("0.3000", "5.00")),
                List.of(level("0.4400", "-200.00"))));

        assertThat(out.incremental()).isFalse();
        assertThat(out.bids())
                .extracting(l -> l.price().toPlainString() + "=" + l.size().toPlainString())
                .containsExactly("0.08=310.00", "0.2200=0", "0.3000=5.00");
        assertThat(out.asks())
                .extracting(l -> l.price().toPlainString() + "=" + l.size().toPlainString())
                .containsExactly("0.4400=0");
        assertThat(book.snapshot("f", "X", 0).bids())
                .extracting(l -> l.price().toPlainString())
                .containsExactly("0.3000", "0.08");
        assertThat(book.askCount()).isZero();
    }

    @Test
    void aNegativeChangeToAMissingLevelRemovesNothingAndReportsZero() {
        OrderBook book = OrderBook.unlimited();

        BookDelta out = book.apply(incremental(List.of(level("0.5", "-3")), List.of()));

        assertThat(out.bids()).containsExactly(level("0.5", "0"));
        assertThat(book.bidCount()).isZero();
    }

    @Test
    void theDepthCapKeepsTheBestLevelsAndReportsThosePushedOut() {
        OrderBook book = OrderBook.withDepth(2);
        book.apply(snapshot(
                List.of(level("10", "1"), level("9", "1"), level("8", "1")),
                List.of(level("11", "1"), level("12", "1"), level("13", "1"))));
        assertThat(book.snapshot("f", "X", 0).bids()).containsExactly(level("10", "1"), level("9", "1"));

        BookDelta out = book.apply(absolute(List.of(level("9.5", "2")), List.of(level("10.5", "2"))));

        assertThat(out.bids()).containsExactly(level("9.5", "2"), level("9", "0"));
        assertThat(out.asks()).containsExactly(level("10.5", "2"), level("12", "0"));
        assertThat(book.snapshot("f", "X", 0).asks()).containsExactly(level("10.5", "2"), level("11", "1"));
        assertThat(book.bestBid()).contains(level("10", "1"));
        assertThat(book.bestAsk()).contains(level("10.5", "2"));
    }

    @Test
    void aClientApplyingTheReturnedDeltasEndsWithTheSameBook() {
        OrderBook keeper = OrderBook.withDepth(3);
        OrderBook client = OrderBook.unlimited();
        BookSnapshot start = snapshot(List.of(level("5", "1"), level("4", "1"), level("3", "1")), List.of());
        keeper.apply(start);
        client.apply(keeper.snapshot("f", "X", 0));

        for (BookDelta delta : List.of(
                incremental(List.of(level("4.5", "2"), level("5", "-1")), List.of()),
                incremental(List.of(level("6", "1"), level("3", "7")), List.of()),
                absolute(List.of(level("2", "9"), level("6", "0")), List.of()))) {
            client.apply(keeper.apply(delta));
        }

        assertThat(client.snapshot("f", "X", 0)).isEqualTo(keeper.snapshot("f", "X", 0));
        assertThat(keeper.snapshot("f", "X", 0).bids())
                .extracting(l -> l.price().toPlainString())
                .containsExactly("4.5", "4", "2");
    }

    @Test
    void emptySidesHaveNoBest() {
        OrderBook book = OrderBook.unlimited();
        assertThat(book.bestBid()).isEmpty();
        assertThat(book.bestAsk()).isEmpty();
        assertThat(book.bidSize(new BigDecimal("1"))).isEmpty();
        assertThatThrownBy(() -> OrderBook.withDepth(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
