package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
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
     * A book from a snapshot's {@code msg}; empty when its levels cannot be read. A side with no resting orders has
     * no key at all (real frames), which is an empty side, not an error.
     */
    static Optional<KalshiLocalBook> fromSnapshot(JsonNode msg) {
        KalshiLocalBook book = new KalshiLocalBook();
        return book.readSide(msg, "yes", book.yes) && book.readSide(msg, "no", book.no)
                ? Optional.of(book)
                : Optional.empty();
    }

    /** One {@code orderbook_delta}: a signed size change at a price (as on the wire) on a side. */
    record Delta(String side, BigDecimal price, BigDecimal delta) {}

    /**
     * Reads a delta's {@code msg}: {@code price_dollars} and {@code delta_fp}, else the legacy {@code price} (cents)
     * and {@code delta}; empty when it cannot be read.
     */
    static Optional<Delta> readDelta(JsonNode msg) {
        Optional<BigDecimal> price = KalshiNumbers.dollars(msg, "price_dollars", "price");
        Optional<BigDecimal> delta =
                KalshiNumbers.decimal(msg.has("delta_fp") ? msg.get("delta_fp") : msg.get("delta"));
        String side = msg.path("side").asText("");
        if (price.isEmpty() || delta.isEmpty() || !(side.equals("yes") || side.equals("no"))) {
            return Optional.empty();
        }
        return Optional.of(new Delta(side, price.get(), delta.get()));
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
    private boolean readSide(JsonNode msg, String side, Map<BigDecimal, Resting> into) {
        JsonNode levels = msg.get(side + "_dollars_fp");
        boolean cents = false;
        if (levels == null) {
            levels = msg.get(side + "_dollars");
        }
        if (levels == null) {
            levels = msg.get(side);
            cents = true;
        }
        if (levels == null || levels.isNull()) {
            return true;
        }
        if (!levels.isArray()) {
            return false;
        }
        for (JsonNode level : levels) {
            Optional<BigDecimal> price = KalshiNumbers.decimal(level.get(0));
            Optional<BigDecimal> size = KalshiNumbers.decimal(level.get(1));
            if (price.isEmpty() || size.isEmpty()) {
                return false;
            }
            BigDecimal wire = cents ? price.get().movePointLeft(2) : price.get();
            if (size.get().signum() > 0) {
                into.merge(
                        wire.stripTrailingZeros(),
                        new Resting(wire, size.get()),
                        (a, b) -> new Resting(b.price(), a.size().add(b.size())));
            }
        }
        return true;
    }
}
