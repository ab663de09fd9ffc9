package io.ssmd.feeds.kraken.replay;

import java.util.Arrays;

/**
 * One side of a synthetic book, best level first, as sorted arrays: a level's rank is its index, which is what
 * deciding "inside the subscribed depth or not" needs. Books hold at most a thousand levels or so, so shifting the
 * arrays on an insert costs less than a tree's bookkeeping.
 */
final class KrakenBookSide {

    private final boolean bids;
    /** Sort keys, ascending: the price for asks, minus the price for bids, so index 0 is always the best. */
    private long[] keys = new long[64];

    private long[] qtys = new long[64];
    private int size;

    KrakenBookSide(boolean bids) {
        this.bids = bids;
    }

    boolean bids() {
        return bids;
    }

    int size() {
        return size;
    }

    long price(int index) {
        return bids ? -keys[index] : keys[index];
    }

    long qty(int index) {
        return qtys[index];
    }

    /** The index of the level at {@code price}, or {@code -(insertion point) - 1}. */
    int find(long price) {
        return Arrays.binarySearch(keys, 0, size, bids ? -price : price);
    }

    /** Whether {@code a} is a better price than {@code b} on this side. */
    boolean better(long a, long b) {
        return bids ? a > b : a < b;
    }

    /** Sets the level at {@code price} to {@code qty} (above 0), adding it where it belongs when new. */
    void put(long price, long qty) {
        int index = find(price);
        if (index >= 0) {
            qtys[index] = qty;
            return;
        }
        int at = -index - 1;
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            qtys = Arrays.copyOf(qtys, size * 2);
        }
        System.arraycopy(keys, at, keys, at + 1, size - at);
        System.arraycopy(qtys, at, qtys, at + 1, size - at);
        keys[at] = bids ? -price : price;
        qtys[at] = qty;
        size++;
    }

    void setQty(int index, long qty) {
        qtys[index] = qty;
    }

    void remove(int index) {
        System.arraycopy(keys, index + 1, keys, index, size - index - 1);
        System.arraycopy(qtys, index + 1, qtys, index, size - index - 1);
        size--;
    }

    /** Drops the levels from index {@code keep} on: beyond every subscriber's depth, so nobody is told. */
    void truncate(int keep) {
        size = Math.min(size, keep);
    }

    /** Copies the first {@code depth} levels (fewer when the side is shallower) into {@code into}. */
    void copyTop(int depth, Window into) {
        int n = Math.min(depth, size);
        into.ensure(n);
        for (int i = 0; i < n; i++) {
            into.prices[i] = price(i);
            into.qtys[i] = qtys[i];
        }
        into.size = n;
    }

    /** The levels of one side a client holds (its subscribed depth), as they were before an event. */
    static final class Window {
        long[] prices = new long[16];
        long[] qtys = new long[16];
        int size;

        void ensure(int n) {
            if (prices.length < n) {
                prices = new long[n];
                qtys = new long[n];
            }
        }
    }
}
