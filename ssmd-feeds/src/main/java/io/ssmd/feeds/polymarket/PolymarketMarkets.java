package io.ssmd.feeds.polymarket;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Polymarket discovery finds: markets (condition ids) with their outcome tokens, the asset ids a shard
 * subscribes. Records only; {@link PolymarketDiscovery} fills them from Gamma.
 */
public final class PolymarketMarkets {

    private PolymarketMarkets() {}

    /** One outcome of a market: its name ({@code Yes}, {@code Up}; empty when Gamma gave none) and CLOB token id. */
    public record Outcome(String name, String assetId) {}

    /**
     * A market as discovered.
     *
     * @param id          Gamma's market id
     * @param conditionId the {@code market} of the WebSocket's events, and the subject token of its messages
     * @param outcomes    the outcome tokens, in Gamma's order, each asset id once in the whole universe
     * @param volume      Gamma's {@code volume} (else {@code volumeNum}), from its wire text
     * @param liquidity   Gamma's {@code liquidity} (else {@code liquidityNum}), from its wire text
     * @param tags        tag ids and slugs Gamma listed for the market or its events (often none)
     */
    public record Market(
            String id,
            String conditionId,
            String question,
            String slug,
            List<Outcome> outcomes,
            Optional<BigDecimal> volume,
            Optional<BigDecimal> liquidity,
            List<String> tags) {

        public Market {
            outcomes = List.copyOf(outcomes);
            tags = List.copyOf(tags);
        }

        public List<String> assetIds() {
            return outcomes.stream().map(Outcome::assetId).toList();
        }
    }

    /**
     * The instrument universe of one discovery: markets in the order found, grouped by condition id, every asset id
     * once.
     */
    public record Universe(List<Market> markets) {

        public Universe {
            markets = List.copyOf(markets);
        }

        /** Every asset id, market by market (a market's outcomes stay next to each other, so they share a shard). */
        public List<String> assetIds() {
            List<String> ids = new ArrayList<>();
            markets.forEach(m -> ids.addAll(m.assetIds()));
            return ids;
        }

        /** Asset id → condition id, for subjects ({@link PolymarketFeed#create(PolymarketSettings, Map)}). */
        public Map<String, String> conditionByAsset() {
            Map<String, String> byAsset = new LinkedHashMap<>();
            markets.forEach(m -> m.assetIds().forEach(a -> byAsset.put(a, m.conditionId())));
            return byAsset;
        }

        /** Condition id → its outcome tokens. */
        public Map<String, List<String>> assetsByCondition() {
            Map<String, List<String>> byCondition = new LinkedHashMap<>();
            markets.forEach(m -> byCondition.put(m.conditionId(), m.assetIds()));
            return byCondition;
        }

        /** Asset ids here and not in {@code previous}: what a re-discovery subscribes. */
        public List<String> addedSince(Universe previous) {
            Set<String> before = new LinkedHashSet<>(previous.assetIds());
            return assetIds().stream().filter(a -> !before.contains(a)).toList();
        }

        /** Asset ids of {@code previous} no longer here (closed or filtered out): what a re-discovery unsubscribes. */
        public List<String> removedSince(Universe previous) {
            Set<String> now = new LinkedHashSet<>(assetIds());
            return previous.assetIds().stream().filter(a -> !now.contains(a)).toList();
        }
    }
}
