package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectCacheTest {

    private final ShardContext shard = ShardContext.of("prod", "kraken", "kraken-0", List.of("BTC/USD"));

    @Test
    void aSubjectIsBuiltOncePerTypeAndInstrumentAndIsTheContextsOwn() {
        SubjectCache cache = new SubjectCache(16);
        String first = cache.marketData(shard, "trade", "BTC/USD");
        assertThat(first).isEqualTo(shard.marketData("trade", "BTC/USD")).isEqualTo("prod.kraken.json.trade.BTC-USD");
        // The same instance: built once, not concatenated again per frame.
        assertThat(cache.marketData(shard, "trade", new String("BTC/USD"))).isSameAs(first);
        assertThat(cache.marketData(shard, "orderbook", "BTC/USD")).isEqualTo("prod.kraken.json.orderbook.BTC-USD");
        // An instrument outside the shard still gets its sanitized token.
        assertThat(cache.marketData(shard, "trade", "ETH/USD")).isEqualTo("prod.kraken.json.trade.ETH-USD");
        assertThat(cache.size()).isEqualTo(3);
    }

    @Test
    void aFullCacheStartsOverRatherThanGrowWithStrayInstruments() {
        SubjectCache cache = new SubjectCache(3);
        for (int i = 0; i < 10; i++) {
            cache.marketData(shard, "trade", "X" + i + "/USD");
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(cache.get("trade", "X9/USD")).isEqualTo("prod.kraken.json.trade.X9-USD");
        assertThat(cache.get("trade", "X0/USD")).isNull();
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(cache.get("trade", "X9/USD")).isNull();
    }

    @Test
    void aCacheHoldsAtLeastOneSubject() {
        assertThatThrownBy(() -> new SubjectCache(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SubjectCache.forShard(shard).marketData(shard, "ticker", "BTC/USD"))
                .isEqualTo("prod.kraken.json.ticker.BTC-USD");
    }
}
