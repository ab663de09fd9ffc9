package io.ssmd.core.model;

import java.util.List;

/**
 * Changed levels of a book.
 *
 * @param incremental false when sizes are the new absolute sizes (Kraken, Polymarket; zero removes the level);
 *                    true when they are signed changes to add (Kalshi's {@code delta_fp}). A book keeper turns an
 *                    incremental delta into an absolute one before clients see it.
 */
public record BookDelta(
        String feed, String instrument, List<Level> bids, List<Level> asks, boolean incremental, long ts)
        implements MarketEvent {

    public BookDelta {
        bids = List.copyOf(bids);
        asks = List.copyOf(asks);
    }

    @Override
    public String type() {
        return "orderbook";
    }

    @Override
    public BookDelta withTs(long newTs) {
        return new BookDelta(feed, instrument, bids, asks, incremental, newTs);
    }
}
