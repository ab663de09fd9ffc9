package io.ssmd.core.config;

import io.ssmd.core.subject.Venue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feed the environment runs: its definition and the instruments it should carry.
 *
 * @param definition  the feed file
 * @param instruments the static instruments, true ids, in configured order
 * @param tokens      each static instrument's subject token, keyed by true id (no two ids share a token)
 * @param categories  Kalshi categories that narrow discovery, as written
 * @param discovery   present when instruments also come from the venue's discovery API
 * @param credentials present when the feed authenticates
 * @param excludedCategories Kalshi categories discovery leaves out, as written (never together with
 *                    {@code categories})
 * @param series      Kalshi series tickers discovery is limited to (empty: every series)
 * @param customFeatures Polymarket: subscribe with {@code custom_feature_enabled} (best_bid_ask, new_market,
 *                    market_resolved events)
 */
public record EnabledFeed(
        FeedDefinition definition,
        List<String> instruments,
        Map<String, String> tokens,
        List<String> categories,
        Optional<Discovery> discovery,
        Optional<KalshiCredentials> credentials,
        List<String> excludedCategories,
        List<String> series,
        boolean customFeatures) {

    public EnabledFeed {
        instruments = List.copyOf(instruments);
        tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        categories = List.copyOf(categories);
        excludedCategories = List.copyOf(excludedCategories);
        series = List.copyOf(series);
    }

    /** A feed with no category exclusions, no series filter and no venue options. */
    public EnabledFeed(
            FeedDefinition definition,
            List<String> instruments,
            Map<String, String> tokens,
            List<String> categories,
            Optional<Discovery> discovery,
            Optional<KalshiCredentials> credentials) {
        this(definition, instruments, tokens, categories, discovery, credentials, List.of(), List.of(), false);
    }

    /** The feed name, as in subjects and shard names. */
    public String name() {
        return definition.name();
    }

    /** The protocol the feed speaks. */
    public Venue venue() {
        return definition.venue();
    }
}
