package io.ssmd.feeds.krakenfutures.replay;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A synthetic Kraken Futures market for one session: each product's book, trades and ticker, created the first time
 * a client asks for the product. Deterministic for a seed: a product's frames depend only on the seed, the product
 * id and the order in which its feeds are asked for, never on the clock (only the timestamp fields do).
 * Not thread-safe: one per session.
 */
final class KrakenFuturesSyntheticMarket {

    private final long seed;
    private final LongSupplier clock;
    private final Map<String, KrakenFuturesSyntheticProduct> products = new HashMap<>();

    /** @param clock epoch milliseconds for the timestamp fields */
    KrakenFuturesSyntheticMarket(long seed, LongSupplier clock) {
        this.seed = seed;
        this.clock = clock;
    }

    KrakenFuturesSyntheticProduct product(String id) {
        return products.computeIfAbsent(
                id, p -> new KrakenFuturesSyntheticProduct(KrakenFuturesProductSpec.of(p), seed, clock.getAsLong()));
    }

    long now() {
        return clock.getAsLong();
    }
}
