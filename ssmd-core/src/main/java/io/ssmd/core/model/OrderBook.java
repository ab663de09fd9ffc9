package io.ssmd.core.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One instrument's book as normalized events build it: a {@link BookSnapshot} replaces it, a {@link BookDelta}
 * changes it and comes back as the equivalent absolute delta, the change a client mirroring the book needs.
 *
 * <p>Price levels are keyed by value, not by text: {@code 1.50} and {@code 1.5} are one level (sorted maps on
 * {@link BigDecimal#compareTo}, never {@code equals}, which tells them apart). A level keeps the text of the last
 * message that set it.
 *
 * <p>With a depth cap, each side keeps only its best {@code depth} levels after every change, and the levels that
 * fall out are reported as removed in the returned delta (Kraken sends no delete for a level pushed out of range).
 *
 * <p>Not thread-safe: one owner (a gateway stream, a test) per book.
 */
public final class OrderBook {

    private final NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
    private final NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
    private final int depth;

    private OrderBook(int depth) {
        this.depth = depth;
    }

    /** A book of unlimited depth. */
    public static OrderBook unlimited() {
        return new OrderBook(Integer.MAX_VALUE);
    }

    /** A book that keeps the best {@code depth} levels of each side. */
    public static OrderBook withDepth(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("book depth must be at least 1, got " + depth);
        }
        return new OrderBook(depth);
    }

    /** Replaces the whole book with the snapshot's levels (zero sizes, should a venue send any, are left out). */
    public void apply(BookSnapshot snapshot) {
        bids.clear();
        asks.clear();
        for (Level level : snapshot.bids()) {
            setAbsolute(bids, level, null);
        }
        for (Level level : snapshot.asks()) {
            setAbsolute(asks, level, null);
        }
        truncate(bids, null);
        truncate(asks, null);
    }

    /**
     * Applies changed levels and returns them as absolute sizes: for an absolute delta its own levels (zero removes),
     * for an incremental one each level's new size, {@code 0} where it fell to zero or below (the level is removed).
     * Levels pushed beyond the depth cap are added as removals.
     */
    public BookDelta apply(BookDelta delta) {
        List<Level> bidChanges = new ArrayList<>(delta.bids().size());
        List<Level> askChanges = new ArrayList<>(delta.asks().size());
        for (Level level : delta.bids()) {
            change(bids, level, delta.incremental(), bidChanges);
        }
        for (Level level : delta.asks()) {
            change(asks, level, delta.incremental(), askChanges);
        }
        truncate(bids, bidChanges);
        truncate(asks, askChanges);
        return new BookDelta(delta.feed(), delta.instrument(), bidChanges, askChanges, false, delta.ts());
    }

    /** The current book: bids highest first, asks lowest first. */
    public BookSnapshot snapshot(String feed, String instrument, long ts) {
        return new BookSnapshot(feed, instrument, levels(bids), levels(asks), ts);
    }

    /** The best bid, if any. */
    public Optional<Level> bestBid() {
        return best(bids);
    }

    /** The best ask, if any. */
    public Optional<Level> bestAsk() {
        return best(asks);
    }

    /** The size resting at {@code price} on the bid side, if there is a level there. */
    public Optional<BigDecimal> bidSize(BigDecimal price) {
        return Optional.ofNullable(bids.get(price));
    }

    /** The size resting at {@code price} on the ask side, if there is a level there. */
    public Optional<BigDecimal> askSize(BigDecimal price) {
        return Optional.ofNullable(asks.get(price));
    }

    /** How many bid levels the book holds. */
    public int bidCount() {
        return bids.size();
    }

    /** How many ask levels the book holds. */
    public int askCount() {
        return asks.size();
    }

    private static void change(
            NavigableMap<BigDecimal, BigDecimal> side, Level level, boolean incremental, List<Level> changes) {
        if (!incremental) {
            setAbsolute(side, level, changes);
            return;
        }
        BigDecimal resting = side.get(level.price());
        BigDecimal size = resting == null ? level.size() : resting.add(level.size());
        if (size.signum() <= 0) {
            side.remove(level.price());
            changes.add(new Level(level.price(), BigDecimal.ZERO));
        } else {
            side.remove(level.price());
            side.put(level.price(), size);
            changes.add(new Level(level.price(), size));
        }
    }

    /** Sets one level to an absolute size; a size of zero (or a nonsensical negative one) removes it. */
    private static void setAbsolute(NavigableMap<BigDecimal, BigDecimal> side, Level level, List<Level> changes) {
        // Removed first: TreeMap.put keeps the old key, and the level should carry the latest wire text.
        side.remove(level.price());
        if (level.size().signum() > 0) {
            side.put(level.price(), level.size());
        }
        if (changes != null) {
            changes.add(level.size().signum() < 0 ? new Level(level.price(), BigDecimal.ZERO) : level);
        }
    }

    private void truncate(NavigableMap<BigDecimal, BigDecimal> side, List<Level> changes) {
        while (side.size() > depth) {
            Map.Entry<BigDecimal, BigDecimal> worst = side.pollLastEntry();
            if (changes != null) {
                changes.add(new Level(worst.getKey(), BigDecimal.ZERO));
            }
        }
    }

    private static List<Level> levels(NavigableMap<BigDecimal, BigDecimal> side) {
        List<Level> levels = new ArrayList<>(side.size());
        for (Map.Entry<BigDecimal, BigDecimal> entry : side.entrySet()) {
            levels.add(new Level(entry.getKey(), entry.getValue()));
        }
        return levels;
    }

    private static Optional<Level> best(NavigableMap<BigDecimal, BigDecimal> side) {
        Map.Entry<BigDecimal, BigDecimal> first = side.firstEntry();
        return first == null ? Optional.empty() : Optional.of(new Level(first.getKey(), first.getValue()));
    }
}
