package io.ssmd.core.shard;

import java.util.Map;

/**
 * Which of the security master's markets a feed runs, and what its shards need to know of each (DESIGN §15). The venue
 * package supplies it from the environment's selection (Kalshi's categories, excluded categories and series), so that
 * a {@link FeedManager} fed by the security master runs what discovery would have found.
 *
 * <p>A market is given as its tracked fields by column name ({@code status}, {@code category}, {@code series},
 * {@code event}, {@code venue_id}, ...; values as text, null when absent): a {@code markets} row and the
 * {@code market} object of an outbox event alike. Implementations are pure and thread-safe.
 */
public interface MarketSelection {

    /** Whether the feed runs this market while it trades (its status aside). */
    boolean selects(Map<String, String> market);

    /** The attributes its shard carries ({@link FeedShard.Start#CATEGORY}, ...); empty when the venue needs none. */
    Map<String, String> attributes(Map<String, String> market);

    /** Every market, no attributes: a venue whose shards route by instrument alone. */
    static MarketSelection all() {
        return new MarketSelection() {
            @Override
            public boolean selects(Map<String, String> market) {
                return true;
            }

            @Override
            public Map<String, String> attributes(Map<String, String> market) {
                return Map.of();
            }
        };
    }
}
