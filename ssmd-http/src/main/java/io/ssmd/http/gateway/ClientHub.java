package io.ssmd.http.gateway;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The connected clients and an index from subscription key to subscribers, so that an event costs a dozen hash
 * look-ups however many clients are connected, and each interested client is offered the event's one encoding.
 *
 * <p>Not thread-safe: {@link GatewayCore} calls it under its lock.
 */
final class ClientHub {

    private final Map<SubscriptionKey, Set<GatewayClient>> index = new HashMap<>();
    private final Set<GatewayClient> clients = new LinkedHashSet<>();
    private long pass;

    void add(GatewayClient client) {
        clients.add(client);
    }

    void remove(GatewayClient client) {
        clients.remove(client);
        for (SubscriptionKey key : client.keys()) {
            unindex(key, client);
        }
        client.keys().clear();
    }

    int size() {
        return clients.size();
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
     * shard's instruments (or all of them when the event names none).
     */
    void deliverStatus(String feed, Collection<String> instruments, String text) {
        Set<String> concerned = Set.copyOf(instruments);
        for (GatewayClient client : clients) {
            for (SubscriptionKey key : client.keys()) {
                boolean feedMatches = key.feed().equals(feed) || key.feed().equals(SubscriptionKey.ANY);
                boolean symbolMatches = key.symbol().equals(SubscriptionKey.ANY)
                        || concerned.isEmpty()
                        || concerned.contains(key.symbol());
                if (feedMatches && symbolMatches) {
                    client.outbox().offer(text);
                    break;
                }
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
