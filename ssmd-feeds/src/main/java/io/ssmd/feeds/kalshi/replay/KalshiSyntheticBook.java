package io.ssmd.feeds.kalshi.replay;

import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A binary market's order book as Kalshi keeps it: two sides of BIDS, YES bids and NO bids, prices in
 * ten-thousandths of a dollar, sizes in hundredths of a contract. There is no ask side: the YES ask is
 * {@code 1 - best NO bid} with that bid's size (PROTOCOLS.md §1.7), so a valid book has
 * {@code best YES bid + best NO bid < 1.0000}.
 */
final class KalshiSyntheticBook {

    /** A dollar, the payout of a winning contract, in ten-thousandths. */
    static final int ONE_DOLLAR = 10_000;

    enum Side {
        YES("yes"),
        NO("no");

        private final String wire;

        Side(String wire) {
            this.wire = wire;
        }

        String wire() {
            return wire;
        }

        Side other() {
            return this == YES ? NO : YES;
        }
    }

    private final TreeMap<Integer, Long> yes;
    private final TreeMap<Integer, Long> no;

    KalshiSyntheticBook() {
        this(new TreeMap<>(), new TreeMap<>());
    }

    private KalshiSyntheticBook(TreeMap<Integer, Long> yes, TreeMap<Integer, Long> no) {
        this.yes = yes;
        this.no = no;
    }

    KalshiSyntheticBook copy() {
        return new KalshiSyntheticBook(new TreeMap<>(yes), new TreeMap<>(no));
    }

    /** The side's levels, ascending by price as Kalshi lists them (best last). */
    NavigableMap<Integer, Long> levels(Side side) {
        return side == Side.YES ? yes : no;
    }

    /** The best bid of a side, or 0 when the side is empty. */
    int best(Side side) {
        NavigableMap<Integer, Long> levels = levels(side);
        return levels.isEmpty() ? 0 : levels.lastKey();
    }

    long bestSize(Side side) {
        NavigableMap<Integer, Long> levels = levels(side);
        return levels.isEmpty() ? 0 : levels.lastEntry().getValue();
    }

    long size(Side side, int price) {
        return levels(side).getOrDefault(price, 0L);
    }

    /** The highest price a new bid on {@code side} may have without crossing the other side. */
    int highestBid(Side side, int tick) {
        return ONE_DOLLAR - Math.max(best(side.other()), 0) - tick;
    }

    /** YES ask: one dollar less the best NO bid; a dollar when nobody bids NO (Kalshi shows "1.0000", size 0). */
    int yesAsk() {
        return ONE_DOLLAR - best(Side.NO);
    }

    /** Adds a signed size change at a level, as an {@code orderbook_delta} does; the level goes when it reaches 0. */
    void apply(Side side, int price, long delta) {
        NavigableMap<Integer, Long> levels = levels(side);
        long size = levels.getOrDefault(price, 0L) + delta;
        if (size < 0) {
            throw new IllegalStateException("level " + price + " of " + side + " would go negative: " + size);
        }
        if (size == 0) {
            levels.remove(price);
        } else {
            levels.put(price, size);
        }
    }

    int depth(Side side) {
        return levels(side).size();
    }
}
