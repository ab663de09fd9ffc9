package io.ssmd.http.gateway;

/**
 * One feed × symbol × type combination a client subscribed to; {@link #ANY} stands for a field the subscription did
 * not name. {@code {"symbols":["BTC/USD"],"types":["trade"]}} is {@code (*, BTC/USD, trade)}, {@code {"feeds":["kraken"]}}
 * is {@code (kraken, *, *)}.
 */
record SubscriptionKey(String feed, String symbol, String type) {

    static final String ANY = "*";
}
