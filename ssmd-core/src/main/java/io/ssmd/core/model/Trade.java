package io.ssmd.core.model;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A trade.
 *
 * @param tradeId  the venue's id, when it has one: consumers drop trades already seen by it
 * @param snapshot whether the venue re-sent it on (re)subscribe (Kraken's {@code trade} snapshot, Futures'
 *                 {@code trade_snapshot}) rather than reporting it as it happened
 */
public record Trade(
        String feed,
        String instrument,
        BigDecimal price,
        BigDecimal size,
        Side side,
        Optional<String> tradeId,
        long ts,
        boolean snapshot)
        implements MarketEvent {

    @Override
    public String type() {
        return "trade";
    }

    @Override
    public Trade withTs(long newTs) {
        return new Trade(feed, instrument, price, size, side, tradeId, newTs, snapshot);
    }
}
