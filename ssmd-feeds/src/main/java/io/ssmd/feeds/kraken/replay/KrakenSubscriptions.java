package io.ssmd.feeds.kraken.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's subscriptions, one per channel and symbol (Kraken refuses a second one with "Already subscribed"), in
 * the order they were made, which is the order the synthetic pump serves them round-robin.
 */
final class KrakenSubscriptions {

    /**
     * @param depth        book: levels a side the client keeps; other channels: 0
     * @param eventTrigger ticker: {@code trades} or {@code bbo}; other channels: null
     */
    record Subscription(String channel, String symbol, int depth, String eventTrigger) {}

    private final List<Subscription> order = new ArrayList<>();
    private final Map<String, Map<String, Subscription>> byChannel = new LinkedHashMap<>();
    private int next;

    /** Every symbol subscribed on any channel. */
    java.util.Set<String> symbols() {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        order.forEach(s -> all.add(s.symbol()));
        return all;
    }

    boolean isEmpty() {
        return order.isEmpty();
    }

    boolean contains(String channel, String symbol) {
        return get(channel, symbol) != null;
    }

    Subscription get(String channel, String symbol) {
        Map<String, Subscription> symbols = byChannel.get(channel);
        return symbols == null ? null : symbols.get(symbol);
    }

    void add(Subscription subscription) {
        order.add(subscription);
        byChannel
                .computeIfAbsent(subscription.channel(), c -> new LinkedHashMap<>())
                .put(subscription.symbol(), subscription);
    }

    void remove(Subscription subscription) {
        int index = order.indexOf(subscription);
        order.remove(index);
        if (index < next) {
            next--;
        }
        byChannel.get(subscription.channel()).remove(subscription.symbol());
    }

    /** The next subscription for the pump, round-robin. */
    Subscription next() {
        if (next >= order.size()) {
            next = 0;
        }
        return order.get(next++);
    }

    /**
     * {@code first} and up to {@code more} symbols subscribed on the same channel after it (wrapping round), for a
     * frame whose {@code data} holds several symbols.
     */
    List<String> withFollowers(Subscription first, int more) {
        List<String> symbols = new ArrayList<>(1 + more);
        symbols.add(first.symbol());
        List<String> channel = new ArrayList<>(byChannel.get(first.channel()).keySet());
        int at = channel.indexOf(first.symbol());
        for (int i = 1; i <= more && i < channel.size(); i++) {
            symbols.add(channel.get((at + i) % channel.size()));
        }
        return symbols;
    }
}
