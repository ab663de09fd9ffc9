package io.ssmd.core.model;

import java.util.List;

/** A whole book: bids best (highest) first, asks best (lowest) first, whatever order the venue sent. */
public record BookSnapshot(String feed, String instrument, List<Level> bids, List<Level> asks, long ts)
        implements MarketEvent {

    public BookSnapshot {
        bids = List.copyOf(bids);
        asks = List.copyOf(asks);
    }

    @Override
    public String type() {
        return "orderbook";
    }

    @Override
    public BookSnapshot withTs(long newTs) {
        return new BookSnapshot(feed, instrument, bids, asks, newTs);
    }
}
