package io.ssmd.core.model;

import java.math.BigDecimal;
import java.util.Optional;

/** Top of book and last price, as far as the venue's ticker says; absent fields are empty, never zero. */
public record Ticker(
        String feed,
        String instrument,
        Optional<BigDecimal> bid,
        Optional<BigDecimal> bidSize,
        Optional<BigDecimal> ask,
        Optional<BigDecimal> askSize,
        Optional<BigDecimal> last,
        Optional<BigDecimal> volume,
        long ts)
        implements MarketEvent {

    @Override
    public String type() {
        return "ticker";
    }

    @Override
    public Ticker withTs(long newTs) {
        return new Ticker(feed, instrument, bid, bidSize, ask, askSize, last, volume, newTs);
    }
}
