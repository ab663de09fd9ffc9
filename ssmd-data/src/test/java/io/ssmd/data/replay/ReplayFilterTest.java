package io.ssmd.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.subject.ParsedSubject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayFilterTest {

    private static ReplayFilter.Verdict verdict(ReplayFilter filter, String subject, long ts) {
        return filter.verdict(ParsedSubject.parse(subject), ts);
    }

    @Test
    void symbolsMatchByTokenAndLeaveShardMessagesThrough() {
        ReplayFilter btc = new ReplayFilter(
                Optional.empty(), Optional.empty(), ReplayFilter.tokensOf(List.of("BTC/USD")), Set.of(), false);

        assertThat(verdict(btc, "prod.kraken.json.trade.BTC-USD", 1)).isEqualTo(ReplayFilter.Verdict.SEND);
        assertThat(verdict(btc, "prod.kraken.ssmd.book.BTC-USD", 1)).isEqualTo(ReplayFilter.Verdict.SEND);
        assertThat(verdict(btc, "prod.kraken.json.trade.ETH-USD", 1)).isEqualTo(ReplayFilter.Verdict.SKIP);
        assertThat(verdict(btc, "prod.kraken.control.connected.kraken-0", 1)).isEqualTo(ReplayFilter.Verdict.SEND);
        assertThat(verdict(btc, "prod.kraken.json.system.kraken-0", 1)).isEqualTo(ReplayFilter.Verdict.SEND);
    }

    @Test
    void bookStandsForTheVenuesBookMessagesAndSsmdSnapshots() {
        ReplayFilter books =
                new ReplayFilter(Optional.empty(), Optional.empty(), Set.of(), Set.of(ReplayFilter.BOOK), false);

        assertThat(verdict(books, "prod.kraken.json.orderbook.BTC-USD", 1)).isEqualTo(ReplayFilter.Verdict.SEND);
        assertThat(verdict(books, "prod.kraken.ssmd.book.BTC-USD", 1)).isEqualTo(ReplayFilter.Verdict.SEND);
        assertThat(verdict(books, "prod.kraken.json.trade.BTC-USD", 1)).isEqualTo(ReplayFilter.Verdict.SKIP);
        assertThat(verdict(books, "prod.kraken.control.connected.kraken-0", 1)).isEqualTo(ReplayFilter.Verdict.SKIP);
    }

    @Test
    void theWindowSkipsOrWarmsUpWhatLiesBeforeItAndSkipsWhatLiesAfter() {
        ReplayFilter skip = new ReplayFilter(Optional.of(100L), Optional.of(200L), Set.of(), Set.of(), false);
        ReplayFilter warm = new ReplayFilter(Optional.of(100L), Optional.of(200L), Set.of(), Set.of(), true);
        String trade = "prod.kraken.json.trade.BTC-USD";

        assertThat(verdict(skip, trade, 99)).isEqualTo(ReplayFilter.Verdict.SKIP);
        assertThat(verdict(warm, trade, 99)).isEqualTo(ReplayFilter.Verdict.WARM_UP);
        assertThat(verdict(skip, trade, 100)).isEqualTo(ReplayFilter.Verdict.SEND);
        assertThat(verdict(warm, trade, 200)).isEqualTo(ReplayFilter.Verdict.SKIP);
        assertThat(skip.overlaps(0, 99)).isFalse();
        assertThat(warm.overlaps(0, 99)).isTrue();
        assertThat(skip.overlaps(150, 300)).isTrue();
        assertThat(skip.overlaps(200, 300)).isFalse();
    }
}
