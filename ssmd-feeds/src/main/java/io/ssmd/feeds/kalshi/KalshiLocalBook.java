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
 * <p>Prices are kept as decimals with trailing zeros stripped, so {@code "0.960"} and {@code "0.9600"} are one level.
 */
final class KalshiLocalBook {

    private final Map<BigDecimal, BigDecimal> yes = new TreeMap<>();
    private final Map<BigDecimal, BigDecimal> no = new TreeMap<>();

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

    /** One {@code orderbook_delta}: a signed size change at a price on a side. */
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
        return Optional.of(new Delta(side, price.get().stripTrailingZeros(), delta.get()));
    }

    /** Applies a delta; why the book is now broken, or empty. */
    Optional<String> apply(Delta d) {
        Map<BigDecimal, BigDecimal> levels = d.side().equals("yes") ? yes : no;
        BigDecimal size = levels.getOrDefault(d.price(), BigDecimal.ZERO).add(d.delta());
        if (size.signum() < 0) {
            return Optional.of("delta " + d.delta().toPlainString() + " at " + d.side() + " "
                    + d.price().toPlainString() + " leaves a negative size " + size.toPlainString());
        }
        if (size.signum() == 0) {
            levels.remove(d.price());
        } else {
            levels.put(d.price(), size);
        }
        return Optional.empty();
    }

    /** The resting size at a price on a side ({@code yes}/{@code no}), zero when there is no level. */
    BigDecimal size(String side, String price) {
        Map<BigDecimal, BigDecimal> levels = side.equals("yes") ? yes : no;
        return levels.getOrDefault(new BigDecimal(price).stripTrailingZeros(), BigDecimal.ZERO);
    }

    /** Levels on a side. */
    int depth(String side) {
        return (side.equals("yes") ? yes : no).size();
    }

    /**
     * Reads one side: {@code yes_dollars_fp} ({@code [["0.0800","300.00"]]}, current), else legacy
     * {@code yes_dollars} ({@code [["0.080",300]]}), else legacy {@code yes} ({@code [[8,300]]}, integer cents).
     */
    private boolean readSide(JsonNode msg, String side, Map<BigDecimal, BigDecimal> into) {
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
            BigDecimal key = (cents ? price.get().movePointLeft(2) : price.get()).stripTrailingZeros();
            if (size.get().signum() > 0) {
                into.merge(key, size.get(), BigDecimal::add);
            }
        }
        return true;
    }
}
