package io.ssmd.feeds.kalshi;

import io.ssmd.core.subject.Subjects;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The markets discovery found, in the order Kalshi listed them, each with its category.
 *
 * @param markets         the open markets that passed the environment's filters
 * @param categoryByTicker market, event and series ticker → category as Kalshi writes it ({@code Climate and
 *                        Weather}); what {@link KalshiFeed#create(io.ssmd.core.config.EnabledFeed, Map)} takes
 */
public record KalshiUniverse(List<Market> markets, Map<String, String> categoryByTicker) {

    /**
     * One market.
     *
     * @param category as Kalshi writes it; blank when Kalshi gave none ({@code uncategorized} in subjects)
     */
    public record Market(String ticker, String eventTicker, String seriesTicker, String category, String status) {

        /** The subject token of the category: {@code climate_and_weather}, or {@code uncategorized}. */
        public String categoryToken() {
            return Subjects.category(category);
        }
    }

    public KalshiUniverse {
        markets = List.copyOf(markets);
        categoryByTicker = Map.copyOf(categoryByTicker);
    }

    /** The market tickers, in order. */
    public List<String> tickers() {
        return markets.stream().map(Market::ticker).toList();
    }

    /** Market tickers by category token, categories in order of first appearance (one stream and shard set each). */
    public Map<String, List<String>> byCategory() {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (Market m : markets) {
            grouped.computeIfAbsent(m.categoryToken(), c -> new java.util.ArrayList<>())
                    .add(m.ticker());
        }
        grouped.replaceAll((c, tickers) -> List.copyOf(tickers));
        return grouped;
    }
}
