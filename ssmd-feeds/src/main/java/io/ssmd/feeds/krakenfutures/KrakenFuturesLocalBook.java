package io.ssmd.feeds.krakenfutures;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One product's book as a connection sees it, kept only to check the feed: {@code book_snapshot} sets the levels and
 * the {@code seq}; every {@code book} delta must carry the previous {@code seq} + 1 and leave the book sane. Levels
 * are {@link BigDecimal}s read from the wire text, never doubles, so a level deleted as {@code 34981} matches one
 * written {@code 34981.0}.
 *
 * <p>A broken book waits for its next snapshot: deltas until then are not checked (the decoder has asked the venue
 * for a fresh snapshot, and the shard still publishes them, raw being the truth).
 */
final class KrakenFuturesLocalBook {

    /** Where the book stands. */
    enum State {
        /** No snapshot yet on this connection: a delta now is a broken book. */
        AWAITING_FIRST_SNAPSHOT,
        /** Following the venue's deltas, each one checked. */
        SYNCED,
        /** Found broken and resubscribed: deltas pass unchecked until the fresh snapshot. */
        RESYNCING
    }

    private final TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
    private State state = State.AWAITING_FIRST_SNAPSHOT;
    private long seq;

    State state() {
        return state;
    }

    long seq() {
        return seq;
    }

    /** Bids, best (highest) first: price → size. */
    Map<BigDecimal, BigDecimal> bids() {
        return bids;
    }

    /** Asks, best (lowest) first: price → size. */
    Map<BigDecimal, BigDecimal> asks() {
        return asks;
    }

    /** The book as normalized levels, best first: what a gateway builds from the same messages. */
    io.ssmd.core.model.BookSnapshot normalized(String feed, String product) {
        return new io.ssmd.core.model.BookSnapshot(feed, product, levels(bids), levels(asks), 0);
    }

    private static java.util.List<io.ssmd.core.model.Level> levels(Map<BigDecimal, BigDecimal> side) {
        java.util.List<io.ssmd.core.model.Level> levels = new java.util.ArrayList<>(side.size());
        side.forEach((price, size) -> levels.add(new io.ssmd.core.model.Level(price, size)));
        return levels;
    }

    /** The book is being resynchronized: stop checking until the next snapshot. */
    void resyncing() {
        state = State.RESYNCING;
    }

    /**
     * Replaces the book with a {@code book_snapshot}.
     *
     * @return why the snapshot cannot be used, or empty when the book is synced from it
     */
    Optional<String> snapshot(KrakenFuturesFrame frame) {
        bids.clear();
        asks.clear();
        if (frame.seq.isEmpty()) {
            return Optional.of("book_snapshot without a whole-number seq");
        }
        Optional<String> problem = load(frame.bids, bids, "bids").or(() -> load(frame.asks, asks, "asks"));
        if (problem.isPresent()) {
            return problem;
        }
        seq = frame.seq.getAsLong();
        state = State.SYNCED;
        return Optional.empty();
    }

    /**
     * Applies a {@code book} delta: {@code side} buy or sell, the level's absolute {@code qty} at {@code price}, 0 to
     * delete. Only call in {@link State#SYNCED}.
     *
     * @return why the book is now broken, or empty when the delta followed on and left it sane
     */
    Optional<String> delta(KrakenFuturesFrame frame) {
        if (frame.seq.isEmpty()) {
            return Optional.of("book delta without a whole-number seq");
        }
        long deltaSeq = frame.seq.getAsLong();
        if (deltaSeq != seq + 1) {
            return Optional.of("seq gap: expected " + (seq + 1) + ", got " + deltaSeq);
        }
        seq = deltaSeq;
        String side = frame.side;
        TreeMap<BigDecimal, BigDecimal> levels = switch (side) {
            case "buy" -> bids;
            case "sell" -> asks;
            default -> null;
        };
        if (levels == null) {
            return Optional.of("book delta with side '" + side + "', expected buy or sell");
        }
        BigDecimal price = frame.price;
        BigDecimal qty = frame.qty;
        if (price == null || qty == null) {
            return Optional.of("book delta without a decimal price and qty");
        }
        Optional<String> insane = checkLevel(price, qty, side);
        if (insane.isPresent()) {
            return insane;
        }
        // A delete of a level we never held is not an error: the venue does not promise to delete only what it sent.
        // Removed first, as the gateway's book does: TreeMap.put keeps the old key, and a level carries the latest wire
        // text (34981 after 34981.0), so that this book's ssmd snapshot reads as the gateway's.
        levels.remove(price);
        if (qty.signum() != 0) {
            levels.put(price, qty);
        }
        return Optional.empty();
    }

    private static Optional<String> load(
            java.util.List<KrakenFuturesFrame.Level> list, TreeMap<BigDecimal, BigDecimal> side, String name) {
        if (list == null) {
            return Optional.of("book_snapshot without a " + name + " list");
        }
        for (KrakenFuturesFrame.Level level : list) {
            if (level.price() == null || level.qty() == null) {
                return Optional.of("book_snapshot " + name + " level without a decimal price and qty");
            }
            Optional<String> insane = checkLevel(level.price(), level.qty(), name);
            if (insane.isPresent()) {
                return insane;
            }
            side.remove(level.price());
            if (level.qty().signum() > 0) {
                side.put(level.price(), level.qty());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkLevel(BigDecimal price, BigDecimal qty, String side) {
        if (qty.signum() < 0) {
            return Optional.of("negative qty " + qty.toPlainString() + " at " + side + " " + price.toPlainString());
        }
        if (price.signum() <= 0) {
            return Optional.of("price " + price.toPlainString() + " not positive on " + side);
        }
        return Optional.empty();
    }
}
