package io.ssmd.feeds.polymarket;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One asset's book as the decoder keeps it, only to check the venue's own top of book. Prices and sizes are decimals
 * from the wire text ({@code "0.50"} and {@code "0.5"} are one level). Sizes are absolute: a {@code price_change}
 * sets the level's new aggregate size and {@code "0"} removes it. The order of a snapshot's levels does not matter
 * here (Polymarket sends the best level last), because the book is kept sorted.
 */
final class PolymarketLocalBook {

    private final TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>();
    private final TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();

    /** Replaces the book with a snapshot's levels. */
    void replace(List<PolymarketProtocol.Level> bidLevels, List<PolymarketProtocol.Level> askLevels) {
        bids.clear();
        asks.clear();
        bidLevels.forEach(l -> set(bids, l.price(), l.size()));
        askLevels.forEach(l -> set(asks, l.price(), l.size()));
    }

    /** Sets one level's absolute size; zero removes it. */
    void apply(boolean bid, BigDecimal price, BigDecimal size) {
        set(bid ? bids : asks, price, size);
    }

    Optional<BigDecimal> bestBid() {
        return bids.isEmpty() ? Optional.empty() : Optional.of(bids.lastKey());
    }

    Optional<BigDecimal> bestAsk() {
        return asks.isEmpty() ? Optional.empty() : Optional.of(asks.firstKey());
    }

    /**
     * Why the venue's {@code best_bid}/{@code best_ask} disagree with this book, or empty when they agree. A missing or
     * non-decimal value checks nothing (tolerant parsing: a changed field must not cost a book). An empty local side
     * agrees with {@code "0"} (and an empty ask side with {@code "1"} too): the venue documents no text for "no bids"
     * or "no asks".
     */
    Optional<String> disagreement(String bestBid, String bestAsk) {
        Optional<String> bid = compare("best_bid", bestBid, bestBid(), false);
        return bid.isPresent() ? bid : compare("best_ask", bestAsk, bestAsk(), true);
    }

    private static Optional<String> compare(String field, String venueText, Optional<BigDecimal> local, boolean ask) {
        BigDecimal venue = PolymarketProtocol.decimal(venueText);
        if (venue == null) {
            return Optional.empty();
        }
        if (local.isEmpty()) {
            boolean none = venue.signum() == 0 || (ask && venue.compareTo(BigDecimal.ONE) == 0);
            return none
                    ? Optional.empty()
                    : Optional.of(field + " mismatch: Polymarket " + venueText + ", local book has none");
        }
        if (venue.compareTo(local.get()) == 0) {
            return Optional.empty();
        }
        return Optional.of(field + " mismatch: Polymarket " + venueText + ", local book "
                + local.get().toPlainString());
    }

    /** The book as normalized levels, best first: what a gateway builds from the same messages. */
    io.ssmd.core.model.BookSnapshot normalized(String feed, String asset) {
        return new io.ssmd.core.model.BookSnapshot(feed, asset, levels(bids.descendingMap()), levels(asks), 0);
    }

    private static List<io.ssmd.core.model.Level> levels(java.util.Map<BigDecimal, BigDecimal> side) {
        List<io.ssmd.core.model.Level> levels = new java.util.ArrayList<>(side.size());
        side.forEach((price, size) -> levels.add(new io.ssmd.core.model.Level(price, size)));
        return levels;
    }

    private static void set(TreeMap<BigDecimal, BigDecimal> side, BigDecimal price, BigDecimal size) {
        // Removed first, as the gateway's book does: TreeMap.put keeps the old key, and a level carries the latest wire
        // text ("0.5" after "0.50"), so that this book's ssmd snapshot reads as the gateway's.
        side.remove(price);
        if (size.signum() != 0) {
            side.put(price, size);
        }
    }
}
