package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.meta.Market;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.SecurityMaster;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a feed manager applies security-master events: by the state they carry, when newer than the market's. */
class SecmasterUniverseTest {

    private static final MarketSelection NO_ECONOMICS = new MarketSelection() {
        @Override
        public boolean selects(Map<String, String> market) {
            return !"Economics".equals(market.get("category"));
        }

        @Override
        public Map<String, String> attributes(Map<String, String> market) {
            return Map.of(FeedShard.Start.CATEGORY, market.get("category"));
        }
    };

    @Test
    void anEventCommittedAfterTheLoadWithAnIdBelowTheHighWaterMarkIsStillApplied() {
        // Loaded at high-water 8: A's last event is 3, B's is 8. Event 7 (for A) committed after the load.
        SecmasterUniverse universe = SecmasterUniverse.load(
                new SecurityMaster.FeedState(
                        List.of(versioned("A", "active", "Crypto", 3), versioned("B", "active", "Crypto", 8)), 8),
                NO_ECONOMICS);
        assertThat(universe.instruments()).containsExactly("A", "B");

        assertThat(universe.apply(7, "A", fields("settled", "Crypto"))).isTrue();
        assertThat(universe.instruments()).containsExactly("B");
        assertThat(universe.version("A")).isEqualTo(7);
    }

    @Test
    void eventsAlreadyInTheRowsOrSeenTwiceChangeNothing() {
        SecmasterUniverse universe = SecmasterUniverse.load(
                new SecurityMaster.FeedState(List.of(versioned("A", "settled", "Crypto", 5)), 5), NO_ECONOMICS);
        // The stream replays A's created event (id 2) from before the load: A stays settled.
        assertThat(universe.apply(2, "A", fields("active", "Crypto"))).isFalse();
        assertThat(universe.instruments()).isEmpty();

        assertThat(universe.apply(9, "C", fields("active", "Crypto"))).isTrue();
        assertThat(universe.apply(9, "C", fields("active", "Crypto"))).isFalse();
        assertThat(universe.instruments()).containsExactly("C");
        assertThat(universe.attributes()).containsEntry("C", Map.of(FeedShard.Start.CATEGORY, "Crypto"));
    }

    @Test
    void haltedKeepsRunningUpcomingAndUnselectedDoNot() {
        SecmasterUniverse universe = SecmasterUniverse.load(new SecurityMaster.FeedState(List.of(), 0), NO_ECONOMICS);
        assertThat(universe.apply(1, "A", fields("upcoming", "Crypto"))).isFalse();
        assertThat(universe.apply(2, "A", fields("active", "Crypto"))).isTrue();
        assertThat(universe.apply(3, "A", fields("halted", "Crypto"))).isFalse();
        assertThat(universe.apply(4, "E", fields("active", "Economics"))).isFalse();
        assertThat(universe.apply(5, "A", fields("removed", "Crypto"))).isTrue();
        assertThat(universe.instruments()).isEmpty();
    }

    @Test
    void theCapTakesTheFirstInRowOrderAndANewMarketWaitsUntilARunningOneLeaves() {
        MarketSelection two = MarketSelection.all(java.util.OptionalInt.of(2));
        SecmasterUniverse universe = SecmasterUniverse.load(
                new SecurityMaster.FeedState(
                        List.of(
                                versioned("A", "active", "Crypto", 1),
                                versioned("U", "upcoming", "Crypto", 2),
                                versioned("B", "active", "Crypto", 3),
                                versioned("C", "active", "Crypto", 4)),
                        4),
                two);
        assertThat(universe.instruments()).containsExactly("A", "B");
        assertThat(universe.waiting()).isEqualTo(1);

        // Full: a market that opens now (U, stored before B) and a new one (D) wait.
        assertThat(universe.apply(5, "U", fields("active", "Crypto"))).isFalse();
        assertThat(universe.apply(6, "D", fields("active", "Crypto"))).isFalse();
        assertThat(universe.instruments()).containsExactly("A", "B");

        // A settles: its place goes to the best waiting one by row order, U (then C, then D).
        assertThat(universe.apply(7, "A", fields("settled", "Crypto"))).isTrue();
        assertThat(universe.instruments()).containsExactly("B", "U");
        assertThat(universe.apply(8, "B", fields("removed", "Crypto"))).isTrue();
        assertThat(universe.instruments()).containsExactly("U", "C");
    }

    @Test
    void aRankingDecidesWhichRunWholeGroupsOnlyAndARerankFillsFreePlacesWithoutEvictingRunningOnes() {
        MarketSelection byEvent = new MarketSelection() {
            @Override
            public boolean selects(Map<String, String> market) {
                return true;
            }

            @Override
            public Map<String, String> attributes(Map<String, String> market) {
                return Map.of();
            }

            @Override
            public java.util.OptionalInt maxInstruments() {
                return java.util.OptionalInt.of(3);
            }

            @Override
            public String group(Map<String, String> market) {
                return market.get("category");
            }
        };
        // Groups by "category" here: X1+X2 are one market, Y1+Y2 another, Z1 alone.
        SecmasterUniverse universe = SecmasterUniverse.load(
                new SecurityMaster.FeedState(
                        List.of(
                                versioned("X1", "active", "X", 1),
                                versioned("X2", "active", "X", 2),
                                versioned("Y1", "active", "Y", 3),
                                versioned("Y2", "active", "Y", 4),
                                versioned("Z1", "active", "Z", 5),
                                versioned("W1", "active", "W", 6)),
                        6),
                byEvent,
                java.util.Optional.of(List.of("Y1", "Y2", "X1", "X2", "Z1")));
        // Y first by rank; X does not fit whole in the one place left and is passed over for Z; W is not ranked.
        assertThat(universe.instruments()).containsExactly("Y1", "Y2", "Z1");

        // A new ranking: Z no longer ranked leaves; X still does not fit; W now ranked fills the place.
        assertThat(universe.rank(List.of("X1", "X2", "W1", "Y1", "Y2"))).isTrue();
        assertThat(universe.instruments()).containsExactly("Y1", "Y2", "W1");
    }

    private static SecurityMaster.VersionedMarket versioned(
            String instrument, String status, String category, long version) {
        Instant t = Instant.parse("2026-12-06T00:00:00Z");
        return new SecurityMaster.VersionedMarket(
                new Market(version, MarketRecord.of("kalshi", instrument, fields(status, category), "{}"), t, t, t),
                version);
    }

    private static Map<String, String> fields(String status, String category) {
        Map<String, String> f = new HashMap<>();
        MarketRecord.FIELDS.forEach(name -> f.put(name, null));
        f.put("aliases", "[]");
        f.put("status", status);
        f.put("category", category);
        return f;
    }
}
