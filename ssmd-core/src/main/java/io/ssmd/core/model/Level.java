package io.ssmd.core.model;

import java.math.BigDecimal;
import java.util.Objects;

/** One price level of a book: the size at a price (a size of zero, in a delta, removes the level). */
public record Level(BigDecimal price, BigDecimal size) {

    public Level {
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(size, "size");
    }
}
