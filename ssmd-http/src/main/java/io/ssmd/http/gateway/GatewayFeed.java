package io.ssmd.http.gateway;

import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.OrderBook;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A feed as the gateway serves it.
 *
 * @param name        the feed name, as in subjects
 * @param normalizer  turns its messages into events; without one the feed's messages reach no client
 * @param bookDepth   the depth its books are subscribed at, so levels pushed beyond it are removed (Kraken sends no
 *                    delete for those); empty for unlimited
 * @param instruments the instruments configured statically, listed by {@code /v1/markets} before any data arrives
 */
public record GatewayFeed(
        String name, Optional<Normalizer> normalizer, OptionalInt bookDepth, List<String> instruments) {

    public GatewayFeed {
        instruments = List.copyOf(instruments);
    }

    /** The subject types of its book messages ({@link Normalizer#bookTypes()}). */
    java.util.Set<String> bookTypes() {
        return normalizer.map(Normalizer::bookTypes).orElse(java.util.Set.of("orderbook"));
    }

    OrderBook newBook() {
        return bookDepth.isPresent() ? OrderBook.withDepth(bookDepth.getAsInt()) : OrderBook.unlimited();
    }
}
