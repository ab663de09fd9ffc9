package io.ssmd.feeds.polymarket.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;

/**
 * Which recorded frames a market-channel client receives. Polymarket frames carry no sequence numbers or
 * subscription ids, so a recorded frame goes out verbatim (its own timestamps included) or not at all:
 * <ul>
 *   <li>an event about a subscribed asset ({@code asset_id}, or any {@code price_changes[].asset_id});</li>
 *   <li>an array frame when any of its events is wanted (the whole frame, as recorded);</li>
 *   <li>{@code new_market} and {@code market_resolved} to clients that asked for {@code custom_feature_enabled}
 *   (the venue broadcasts them whatever the assets), {@code best_bid_ask} to those clients for their assets;</li>
 *   <li>nothing without an {@code event_type}: client requests in sample files, or anything that is not JSON.</li>
 * </ul>
 */
final class PolymarketRecordedFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PolymarketRecordedFilter() {}

    static boolean wanted(String frame, Set<String> subscribed, boolean customFeatures) {
        JsonNode node;
        try {
            node = JSON.readTree(frame);
        } catch (IOException e) {
            return false;
        }
        if (node != null && node.isArray()) {
            for (JsonNode event : node) {
                if (wanted(event, subscribed, customFeatures)) {
                    return true;
                }
            }
            return false;
        }
        return node != null && wanted(node, subscribed, customFeatures);
    }

    private static boolean wanted(JsonNode event, Set<String> subscribed, boolean customFeatures) {
        String type = event.path("event_type").asText("");
        switch (type) {
            case "" -> {
                return false;
            }
            case "new_market", "market_resolved" -> {
                return customFeatures;
            }
            case "best_bid_ask" -> {
                return customFeatures
                        && subscribed.contains(event.path("asset_id").asText());
            }
            default -> {
                if (subscribed.contains(event.path("asset_id").asText())) {
                    return true;
                }
                for (JsonNode change : event.path("price_changes")) {
                    if (subscribed.contains(change.path("asset_id").asText())) {
                        return true;
                    }
                }
                return false;
            }
        }
    }
}
