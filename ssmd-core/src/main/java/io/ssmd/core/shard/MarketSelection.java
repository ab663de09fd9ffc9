package io.ssmd.core.shard;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which of the security master's markets a feed runs, and what its shards need to know of each (DESIGN §15). The venue
 * package supplies it from the environment's selection (Kalshi's categories, excluded categories and series,
 * {@code discovery.max-instruments}, Polymarket's Gamma ranking), so that a {@link FeedManager} fed by the security
 * master runs what discovery would have found.
 *
 * <p>A market is given as its tracked fields by column name ({@code status}, {@code category}, {@code series},
 * {@code event}, {@code venue_id}, ...; values as text, null when absent): a {@code markets} row and the
 * {@code market} object of an outbox event alike. {@link #selects} and {@link #attributes} are pure and thread-safe;
 * {@link #ranking} may ask the venue.
 */
public interface MarketSelection {

    /** Whether the feed runs this market while it trades (its status aside). */
    boolean selects(Map<String, String> market);

    /** The attributes its shard carries ({@link FeedShard.Start#CATEGORY}, ...); empty when the venue needs none. */
    Map<String, String> attributes(Map<String, String> market);

    /**
     * The most instruments the feed runs ({@code discovery.max-instruments}), filled best first as discovery would
     * fill it; empty for every market selected.
     */
    default OptionalInt maxInstruments() {
        return OptionalInt.empty();
    }

    /**
     * The instruments that run together or not at all under {@link #maxInstruments()}, as discovery never splits them
     * (Polymarket: the tokens of one condition); null for the instrument alone.
     */
    default String group(Map<String, String> market) {
        return null;
    }

    /**
     * The venue's ranking, when discovery ranks by something the security master does not hold (Polymarket: Gamma's
     * 24 h volume): the manager asks it when it loads and again every rediscover interval, and then runs only the
     * ranked instruments, best first. Empty: no ranking, markets rank in the order the security master first stored
     * them, which for a venue listed in a stable order (Kalshi) is the order discovery reads them.
     */
    default Optional<Ranking> ranking() {
        return Optional.empty();
    }

    /**
     * The venue's order of the instruments discovery would run, best first, read past the cap (a reserve for places
     * freed before the next ranking); blocking.
     */
    @FunctionalInterface
    interface Ranking {
        List<String> rank() throws Exception;
    }

    /** Every market, no attributes: a venue whose shards route by instrument alone. */
    static MarketSelection all() {
        return all(OptionalInt.empty());
    }

    /** Every market, no attributes, at most {@code max} of them in the order the security master stored them. */
    static MarketSelection all(OptionalInt max) {
        return new MarketSelection() {
            @Override
            public boolean selects(Map<String, String> market) {
                return true;
            }

            @Override
            public Map<String, String> attributes(Map<String, String> market) {
                return Map.of();
            }

            @Override
            public OptionalInt maxInstruments() {
                return max;
            }
        };
    }
}
