package io.ssmd.http.gateway;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's markets, by feed and instrument id and by alias (a Polymarket condition id answers for both its
 * outcome tokens), so that a symbol is a look-up and a subscription costs its symbols, never a scan of every market.
 * Not thread-safe: {@link GatewayCore} holds its lock around every use.
 */
final class MarketIndex {

    private final int recentTrades;
    private final Map<String, Map<String, Market>> byFeed = new LinkedHashMap<>();
    /** Feed → alias → the markets answering to it. */
    private final Map<String, Map<String, List<Market>>> byAlias = new HashMap<>();

    MarketIndex(int recentTrades) {
        this.recentTrades = recentTrades;
    }

    /** The market of this instrument, created (empty) the first time it is named. */
    Market market(String feed, String instrument) {
        return byFeed.computeIfAbsent(feed, f -> new LinkedHashMap<>())
                .computeIfAbsent(instrument, id -> new Market(feed, id, recentTrades));
    }

    /** The market of exactly this instrument id, or null. */
    Market get(String feed, String instrument) {
        return byFeed.getOrDefault(feed, Map.of()).get(instrument);
    }

    /** The market that {@code symbol} names in that feed: its id, else its alias. */
    Optional<Market> find(String feed, String symbol) {
        Market exact = get(feed, symbol);
        if (exact != null) {
            return Optional.of(exact);
        }
        return byAlias.getOrDefault(feed, Map.of()).getOrDefault(symbol, List.of()).stream()
                .findFirst();
    }

    /** Every market of the feed, or of all feeds, in the order first seen. */
    List<Market> all(Optional<String> feed) {
        List<Market> all = new ArrayList<>();
        byFeed.forEach((name, markets) -> {
            if (feed.isEmpty() || feed.get().equals(name)) {
                all.addAll(markets.values());
            }
        });
        return all;
    }

    /** Forgets the instrument's market and its alias entry; false when there was none. */
    boolean remove(String feed, String instrument) {
        Map<String, Market> markets = byFeed.get(feed);
        Market market = markets == null ? null : markets.remove(instrument);
        if (market == null) {
            return false;
        }
        if (market.alias() != null) {
            Map<String, List<Market>> aliases = byAlias.getOrDefault(feed, Map.of());
            List<Market> sharing = aliases.get(market.alias());
            if (sharing != null) {
                sharing.remove(market);
                if (sharing.isEmpty()) {
                    aliases.remove(market.alias());
                }
            }
        }
        return true;
    }

    /** Markets held, of every feed. */
    int size() {
        return byFeed.values().stream().mapToInt(Map::size).sum();
    }

    /** Alias entries held, of every feed. */
    int aliasCount() {
        return byAlias.values().stream().mapToInt(Map::size).sum();
    }

    /** Sets the market's alias, keeping the alias index in step. */
    void alias(Market market, String alias) {
        if (alias.equals(market.alias())) {
            return;
        }
        Map<String, List<Market>> aliases = byAlias.computeIfAbsent(market.feed(), f -> new HashMap<>());
        if (market.alias() != null) {
            List<Market> previous = aliases.get(market.alias());
            if (previous != null) {
                previous.remove(market);
                if (previous.isEmpty()) {
                    aliases.remove(market.alias());
                }
            }
        }
        market.alias(alias);
        aliases.computeIfAbsent(alias, a -> new ArrayList<>()).add(market);
    }

    /** The markets a subscription covers: every market of its feeds without symbols, else each symbol's. */
    Collection<Market> matching(ClientCommand.Change change) {
        Set<Market> found = new LinkedHashSet<>();
        byFeed.forEach((feed, markets) -> {
            if (change.feeds().isEmpty() || change.feeds().contains(feed)) {
                if (change.symbols().isEmpty()) {
                    found.addAll(markets.values());
                    return;
                }
                Map<String, List<Market>> aliases = byAlias.getOrDefault(feed, Map.of());
                for (String symbol : change.symbols()) {
                    Market exact = markets.get(symbol);
                    if (exact != null) {
                        found.add(exact);
                    }
                    found.addAll(aliases.getOrDefault(symbol, List.of()));
                }
            }
        });
        return found;
    }
}
