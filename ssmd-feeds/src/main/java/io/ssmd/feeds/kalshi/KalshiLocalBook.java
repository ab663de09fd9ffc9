package io.ssmd.feeds.kalshi;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One market's book as the client rebuilds it from {@code orderbook_snapshot} and {@code orderbook_delta}
 * (PROTOCOLS.md §1.7). Both sides are BIDS: {@code yes} are YES bids, {@code no} are NO bids (a YES ask is 1 − the
 * best NO bid). A delta is a signed increment to the resting size at one price; a level reaching zero goes, one
 * going below zero means the book is broken.
 *
 * <p>Levels are keyed by their price with trailing zeros stripped, so {@code "0.960"} and {@code "0.9600"} are one
 * level; each keeps the wire text of its latest change, as the gateway's book does, so that the book's ssmd snapshot
 * (DESIGN §7) reads as the gateway's.
 */
final class KalshiLocalBook {

    /** A resting level: its price as last written on the wire, and its size. */
    private record Resting(BigDecimal price, BigDecimal size) {}

    private final TreeMap<BigDecimal, Resting> yes = new TreeMap<>();
    private final TreeMap<BigDecimal, Resting> no = new TreeMap<>();

    /**
     * One side of a snapshot as read off the wire: its {@code [price, size]} levels, in order; null levels when the
     * side is not an array or some level is not a pair of decimals.
     */
    record Side(List<BigDecimal[]> levels) {
        /** JSON null: a side with no resting orders. */
        static final Side EMPTY = new Side(List.of());
        /** Not an array, or a level that is not a pair of decimals. */
        static final Side UNREADABLE = new Side(null);
    }

    /**
     * A book from a snapshot's {@code msg}; empty when its levels cannot be read. A side with no resting orders has
     * no key at all (real frames), which is an empty side, not an error.
     */
    static Optional<KalshiLocalBook> fromSnapshot(KalshiFrame.Msg msg) {
        KalshiLocalBook book = new KalshiLocalBook();
        return book.readSide(msg.yesFp, msg.yesDollars, msg.yesCents, book.yes)
                        && book.readSide(msg.noFp, msg.noDollars, msg.noCents, book.no)
                ? Optional.of(book)
                : Optional.empty();
    }

    /** One {@code orderbook_delta}: a signed size change at a price (as on the wire) on a side. */
    record Delta(String side, BigDecimal price, BigDecimal delta) {}

    /**
     * Reads a delta's {@code msg}: {@code price_dollars} and {@code delta_fp}, else the legacy {@code price} (cents)
     * and {@code delta}; empty when it cannot be read.
     */
    static Optional<Delta> readDelta(KalshiFrame.Msg msg) {
        BigDecimal price = msg.priceDollars != null
                ? msg.priceDollars
                : msg.priceCents == null ? null : msg.priceCents.movePointLeft(2);
        BigDecimal delta = msg.hasDeltaFp ? msg.deltaFp : msg.delta;
        String side = msg.side;
        if (price == null || delta == null || !(side.equals("yes") || side.equals("no"))) {
            return Optional.empty();
        }
        return Optional.of(new Delta(side, price, delta));
    }

    /** Applies a delta; why the book is now broken, or empty. */
    Optional<String> apply(Delta d) {
        Map<BigDecimal, Resting> levels = d.side().equals("yes") ? yes : no;
        BigDecimal key = d.price().stripTrailingZeros();
        Resting resting = levels.get(key);
        BigDecimal size = (resting == null ? d.delta() : resting.size().add(d.delta()));
        if (size.signum() < 0) {
            return Optional.of("delta " + d.delta().toPlainString() + " at " + d.side() + " "
                    + d.price().toPlainString() + " leaves a negative size " + size.toPlainString());
        }
        if (size.signum() == 0) {
            levels.remove(key);
        } else {
            levels.put(key, new Resting(d.price(), size));
        }
        return Optional.empty();
    }

    /** The resting size at a price on a side ({@code yes}/{@code no}), zero when there is no level. */
    BigDecimal size(String side, String price) {
        Resting resting = (side.equals("yes") ? yes : no).get(new BigDecimal(price).stripTrailingZeros());
        return resting == null ? BigDecimal.ZERO : resting.size();
    }

    /**
     * The book as the gateway normalizes Kalshi's (KalshiNormalizer): bids are the YES bids, best first; asks the NO
     * bids seen from the YES side ({@code 1 − p}, same size), best first.
     */
    io.ssmd.core.model.BookSnapshot normalized(String feed, String ticker) {
        java.util.List<io.ssmd.core.model.Level> bids = new java.util.ArrayList<>(yes.size());
        yes.descendingMap().values().forEach(r -> bids.add(new io.ssmd.core.model.Level(r.price(), r.size())));
        java.util.List<io.ssmd.core.model.Level> asks = new java.util.ArrayList<>(no.size());
        no.descendingMap()
                .values()
                .forEach(r -> asks.add(new io.ssmd.core.model.Level(BigDecimal.ONE.subtract(r.price()), r.size())));
        return new io.ssmd.core.model.BookSnapshot(feed, ticker, bids, asks, 0);
    }

    /** Levels on a side. */
    int depth(String side) {
        return (side.equals("yes") ? yes : no).size();
    }

    /**
     * Reads one side: {@code yes_dollars_fp} ({@code [["0.0800","300.00"]]}, current), else legacy
     * {@code yes_dollars} ({@code [["0.080",300]]}), else legacy {@code yes} ({@code [[8,300]]}, integer cents).
     */
    private boolean readSide(Side fp, Side dollars, Side cents, Map<BigDecimal, Resting> into) {
        Side levels = fp != null ? fp : dollars != null ? dollars : cents;
        boolean inCents = fp == null && dollars == null;
        if (levels == null) {
            return true;
        }
        if (levels.levels() == null) {
            return false;
        }
        for (BigDecimal[] level : levels.levels()) {
            BigDecimal price = level[0];
            BigDecimal size = level[1];
            BigDecimal wire = inCents ? price.movePointLeft(2) : price;
            if (size.signum() > 0) {
                into.merge(
                        wire.stripTrailingZeros(),
                        new Resting(wire, size),
                        (a, b) -> new Resting(b.price(), a.size().add(b.size())));
            }
        }
        return true;
    }
}
