package io.ssmd.feeds.krakenfutures.replay;

import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One product's order book in the synthetic market, in whole ticks and lots. Every change keeps it valid: both sides
 * non-empty, best bid below best ask, every size positive (a size of 0 only ever appears in a delta, as a delete).
 * Prices wander but lean back towards the product's reference, so a long run stays at a realistic level.
 */
final class KrakenFuturesSyntheticBook {

    /** Levels per side the book is built with and kept around. */
    static final int TARGET_LEVELS = 20;

    private static final int MIN_LEVELS = 8;
    private static final int MAX_LEVELS = 40;

    /**
     * One level's new size, as a Kraken Futures {@code book} delta carries it: absolute, 0 deletes.
     *
     * @param buy true for a bid ({@code "side":"buy"}), false for an ask
     */
    record Change(boolean buy, long price, long qty) {}

    private final KrakenFuturesProductSpec spec;
    private final SplittableRandom random;
    private final TreeMap<Long, Long> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<Long, Long> asks = new TreeMap<>();
    /** How far the mid may stray from the reference before changes lean back: half a percent. */
    private final long band;

    KrakenFuturesSyntheticBook(KrakenFuturesProductSpec spec, SplittableRandom random) {
        this.spec = spec;
        this.random = random;
        this.band = Math.max(10, spec.referenceTicks() / 200);
        long bestBid = spec.referenceTicks() - random.nextLong(3);
        long bestAsk = bestBid + 1 + random.nextLong(2);
        long bid = bestBid;
        long ask = bestAsk;
        for (int i = 0; i < TARGET_LEVELS; i++) {
            bids.put(bid, size());
            asks.put(ask, size());
            bid -= 1 + random.nextLong(3);
            ask += 1 + random.nextLong(3);
        }
    }

    long bestBid() {
        return bids.firstKey();
    }

    long bestAsk() {
        return asks.firstKey();
    }

    long bestBidQty() {
        return bids.firstEntry().getValue();
    }

    long bestAskQty() {
        return asks.firstEntry().getValue();
    }

    /** Bids, best first. */
    Iterable<Map.Entry<Long, Long>> bids() {
        return bids.entrySet();
    }

    /** Asks, best first. */
    Iterable<Map.Entry<Long, Long>> asks() {
        return asks.entrySet();
    }

    /** A random change of one level, applied: a new size, a new level or a removed one. */
    Change randomChange() {
        if (bids.size() > MAX_LEVELS) {
            return remove(true, bids.lastKey());
        }
        if (asks.size() > MAX_LEVELS) {
            return remove(false, asks.lastKey());
        }
        long spread = bestAsk() - bestBid();
        // Takers and cancels widen the spread; quotes come back inside it quickly, as market makers do.
        if (spread > 2 && random.nextInt(4) != 0) {
            return improve();
        }
        int roll = random.nextInt(100);
        Change change = null;
        if (roll < 25) {
            change = improve();
        } else if (roll < 50) {
            change = spread <= 2 ? pullTop() : null;
        } else if (roll < 65) {
            change = addBehind();
        } else if (roll < 75) {
            change = removeBehind();
        }
        return change != null ? change : resize();
    }

    /**
     * A taker's fill against the best level of a side, applied to the book.
     *
     * @param takerBuys the taker buys, so the fill takes from the best ask
     * @param lots      the size taken, at most the level's size
     * @return the level's new size as a delta, or null when the book did not change: a fill that would empty a side's
     *         only level leaves it as it was, as if the rest of an iceberg order showed
     */
    Change fill(boolean takerBuys, long lots) {
        TreeMap<Long, Long> side = takerBuys ? asks : bids;
        Map.Entry<Long, Long> best = side.firstEntry();
        long left = best.getValue() - lots;
        if (left < 0) {
            throw new IllegalArgumentException("fill of " + lots + " lots exceeds the level's " + best.getValue());
        }
        if (left == 0 && side.size() == 1) {
            return null;
        }
        return set(!takerBuys, best.getKey(), left);
    }

    /** A new level inside the spread, on the side that brings the mid back towards the reference. */
    private Change improve() {
        long spread = bestAsk() - bestBid();
        if (spread <= 1) {
            return null;
        }
        boolean buy = leanUp() || (!leanDown() && random.nextBoolean());
        long step = 1 + random.nextLong(Math.min(spread - 1, 3));
        return buy ? set(true, bestBid() + step, size()) : set(false, bestAsk() - step, size());
    }

    /** The best level of one side taken away (cancelled), moving that side's best price outwards. */
    private Change pullTop() {
        boolean buy = leanDown() || (!leanUp() && random.nextBoolean());
        TreeMap<Long, Long> side = buy ? bids : asks;
        return side.size() > MIN_LEVELS ? remove(buy, side.firstKey()) : null;
    }

    private Change addBehind() {
        boolean buy = bids.size() < asks.size() || (bids.size() == asks.size() && random.nextBoolean());
        long distance = 1 + random.nextLong(2L * TARGET_LEVELS);
        long price = buy ? bestBid() - distance : bestAsk() + distance;
        return price > 0 ? set(buy, price, size()) : null;
    }

    private Change removeBehind() {
        boolean buy = random.nextBoolean();
        TreeMap<Long, Long> side = buy ? bids : asks;
        if (side.size() <= MIN_LEVELS) {
            return null;
        }
        return remove(buy, priceAt(side, 1 + random.nextInt(side.size() - 1)));
    }

    private Change resize() {
        boolean buy = random.nextBoolean();
        TreeMap<Long, Long> side = buy ? bids : asks;
        // Most activity is near the top of the book.
        int index = random.nextInt(random.nextInt(side.size()) + 1);
        long price = priceAt(side, index);
        long size = size();
        if (size == side.get(price)) {
            size++;
        }
        return set(buy, price, size);
    }

    /**
     * Which way the mid should go back: -1 when it is above the band around the reference, +1 below it, 0 inside.
     * Changes and takers lean that way, which keeps a long run near a realistic price.
     */
    int lean() {
        return leanDown() ? -1 : leanUp() ? 1 : 0;
    }

    /** The mid is above the band: lean on moving it down. */
    private boolean leanDown() {
        return (bestBid() + bestAsk()) / 2 > spec.referenceTicks() + band;
    }

    private boolean leanUp() {
        return (bestBid() + bestAsk()) / 2 < spec.referenceTicks() - band;
    }

    private Change set(boolean buy, long price, long qty) {
        if (qty == 0) {
            return remove(buy, price);
        }
        (buy ? bids : asks).put(price, qty);
        return new Change(buy, price, qty);
    }

    private Change remove(boolean buy, long price) {
        (buy ? bids : asks).remove(price);
        return new Change(buy, price, 0);
    }

    /** A resting size: mostly small, now and then several times the typical one. */
    private long size() {
        long typical = spec.typicalLots();
        long lots = 1 + random.nextLong(typical);
        return random.nextInt(10) == 0 ? lots * (2 + random.nextInt(4)) : lots;
    }

    private static long priceAt(TreeMap<Long, Long> side, int index) {
        Iterator<Long> prices = side.keySet().iterator();
        for (int i = 0; i < index; i++) {
            prices.next();
        }
        return prices.next();
    }
}
