package io.ssmd.http.gateway;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The connected clients and indexes from what an event names to its subscribers, so that an event or a shard's
 * status costs a few hash look-ups per instrument it names however many clients are connected and whatever they
 * hold, and each interested client is offered the event's one encoding.
 *
 * <p>Not thread-safe: {@link GatewayCore} calls it under its lock.
 */
final class ClientHub {

    /** Feed × symbol, either possibly {@link SubscriptionKey#ANY}: what a status event is matched by. */
    private record FeedSymbol(String feed, String symbol) {}

    private final Map<SubscriptionKey, Set<GatewayClient>> index = new HashMap<>();
    /** How many of each client's keys name that feed × symbol (any type). */
    private final Map<FeedSymbol, Map<GatewayClient, Integer>> bySymbol = new HashMap<>();
    /** How many of each client's keys name that feed (any symbol, any type). */
    private final Map<String, Map<GatewayClient, Integer>> byFeed = new HashMap<>();

    private final Set<GatewayClient> clients = new LinkedHashSet<>();
    private long pass;
    private int keyCount;

    void add(GatewayClient client) {
        clients.add(client);
    }

    /** Forgets the client and its subscriptions; false when it was not connected. */
    boolean remove(GatewayClient client) {
        boolean known = clients.remove(client);
        for (SubscriptionKey key : client.keys()) {
            unindex(key, client);
        }
        client.keys().clear();
        return known;
    }

    int size() {
        return clients.size();
    }

    /** Subscription keys held by all clients. */
    int keyCount() {
        return keyCount;
    }

    Collection<GatewayClient> clients() {
        return clients;
    }

    /** Adds (or removes) every key of the change for this client. */
    void apply(GatewayClient client, ClientCommand.Change change) {
        for (SubscriptionKey key : keys(change)) {
            if (change.subscribe()) {
                if (client.keys().add(key)) {
                    index.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(client);
                    count(bySymbol, new FeedSymbol(key.feed(), key.symbol()), client, 1);
                    count(byFeed, key.feed(), client, 1);
                    keyCount++;
                }
            } else if (client.keys().remove(key)) {
                unindex(key, client);
            }
        }
    }

    /**
     * Offers an event to every client subscribed to it, each exactly once, in its raw or plain encoding.
     *
     * @param alias another symbol the event answers to (a Polymarket asset's condition id), or null
     * @return how many clients were offered the event
     */
    int deliver(
            String feed, String instrument, String alias, String type, Supplier<String> plain, Supplier<String> raw) {
        long thisPass = ++pass;
        int offered = 0;
        String plainText = null;
        String rawText = null;
        for (String f : new String[] {feed, SubscriptionKey.ANY}) {
            for (String s : new String[] {instrument, alias, SubscriptionKey.ANY}) {
                if (s == null || (f.equals(SubscriptionKey.ANY) && s.equals(SubscriptionKey.ANY))) {
                    continue;
                }
                for (String t : new String[] {type, SubscriptionKey.ANY}) {
                    Set<GatewayClient> subscribers = index.get(new SubscriptionKey(f, s, t));
                    if (subscribers == null) {
                        continue;
                    }
                    for (GatewayClient client : subscribers) {
                        if (!client.firstVisit(thisPass)) {
                            continue;
                        }
                        if (client.raw()) {
                            rawText = rawText == null ? raw.get() : rawText;
                            client.outbox().offer(rawText);
                        } else {
                            plainText = plainText == null ? plain.get() : plainText;
                            client.outbox().offer(plainText);
                        }
                        offered++;
                    }
                }
            }
        }
        return offered;
    }

    /**
     * Offers a shard's status to every client subscribed to anything of that feed: the whole feed, or one of the
     * shard's instruments (or all of them when the event names none), each once.
     */
    void deliverStatus(String feed, Collection<String> instruments, String text) {
        long thisPass = ++pass;
        for (String f : new String[] {feed, SubscriptionKey.ANY}) {
            if (instruments.isEmpty()) {
                offerOnce(byFeed.getOrDefault(f, Map.of()).keySet(), thisPass, text);
                continue;
            }
            offerOnce(
                    bySymbol.getOrDefault(new FeedSymbol(f, SubscriptionKey.ANY), Map.of())
                            .keySet(),
                    thisPass,
                    text);
            for (String instrument : instruments) {
                offerOnce(
                        bySymbol.getOrDefault(new FeedSymbol(f, instrument), Map.of())
                                .keySet(),
                        thisPass,
                        text);
            }
        }
    }

    private static void offerOnce(Collection<GatewayClient> subscribers, long pass, String text) {
        for (GatewayClient client : subscribers) {
            if (client.firstVisit(pass)) {
                client.outbox().offer(text);
            }
        }
    }

    private void unindex(SubscriptionKey key, GatewayClient client) {
        Set<GatewayClient> subscribers = index.get(key);
        if (subscribers != null) {
            subscribers.remove(client);
            if (subscribers.isEmpty()) {
                index.remove(key);
            }
        }
        count(bySymbol, new FeedSymbol(key.feed(), key.symbol()), client, -1);
        count(byFeed, key.feed(), client, -1);
        keyCount--;
    }

    private static <K> void count(Map<K, Map<GatewayClient, Integer>> counts, K key, GatewayClient client, int delta) {
        Map<GatewayClient, Integer> perClient = counts.computeIfAbsent(key, k -> new LinkedHashMap<>());
        perClient.merge(client, delta, (a, b) -> a + b == 0 ? null : a + b);
        if (perClient.isEmpty()) {
            counts.remove(key);
        }
    }

    private static List<SubscriptionKey> keys(ClientCommand.Change change) {
        List<String> feeds = orAny(change.feeds());
        List<String> symbols = orAny(change.symbols());
        List<String> types = orAny(change.types());
        List<SubscriptionKey> keys = new ArrayList<>(feeds.size() * symbols.size() * types.size());
        for (String feed : feeds) {
            for (String symbol : symbols) {
                for (String type : types) {
                    keys.add(new SubscriptionKey(feed, symbol, type));
                }
            }
        }
        return keys;
    }

    private static List<String> orAny(List<String> values) {
        return values.isEmpty() ? List.of(SubscriptionKey.ANY) : values;
    }
}
