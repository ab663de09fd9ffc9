package io.ssmd.core.shard;

import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.SecurityMaster;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The instruments a feed runs as the security master's rows and change events leave them (DESIGN §15): a market runs
 * while its status is {@code active} or {@code halted} (a pause keeps its subscription) and the feed's
 * {@link MarketSelection} selects it; {@code upcoming}, {@code closed}, {@code settled} and {@code removed} do not run.
 *
 * <p>Events are applied from the market state they carry, never as deltas, and only when newer than what is known of
 * that market: each market keeps the highest outbox id applied (its version, loaded with the rows). Ids can commit out
 * of order, so an event below the load's high-water mark may still be new to its market; and one event delivered
 * twice, or the stream's events older than the load, change nothing. Per market, ids grow in commit order (its row is
 * locked by the transaction that writes its event), so "higher id wins" is "later state wins". Not thread-safe: the
 * feed manager's.
 */
final class SecmasterUniverse {

    /** Statuses whose markets run: a halted market keeps its subscription for when it trades again. */
    static final Set<String> RUNNING = Set.of(MarketRecord.ACTIVE, MarketRecord.HALTED);

    private final MarketSelection selection;
    private final Map<String, Long> versions = new HashMap<>();
    /** Running instruments in the order they came, each with its attributes. */
    private final Map<String, Map<String, String>> running = new LinkedHashMap<>();

    private SecmasterUniverse(MarketSelection selection) {
        this.selection = selection;
    }

    /** The universe of a feed's markets as loaded (every market's version, the running ones in id order). */
    static SecmasterUniverse load(SecurityMaster.FeedState state, MarketSelection selection) {
        SecmasterUniverse universe = new SecmasterUniverse(selection);
        for (SecurityMaster.VersionedMarket m : state.markets()) {
            universe.set(
                    m.market().instrument(), m.version(), m.market().market().fields());
        }
        return universe;
    }

    /** Applies one event; true when the running instruments or their attributes changed. */
    boolean apply(long id, String instrument, Map<String, String> market) {
        if (id <= versions.getOrDefault(instrument, 0L)) {
            return false;
        }
        return set(instrument, id, market);
    }

    private boolean set(String instrument, long version, Map<String, String> market) {
        versions.put(instrument, version);
        boolean runs = RUNNING.contains(market.get("status")) && selection.selects(market);
        if (!runs) {
            return running.remove(instrument) != null;
        }
        Map<String, String> attributes = Map.copyOf(selection.attributes(market));
        return !attributes.equals(running.put(instrument, attributes));
    }

    /** The running instruments, in the order they came. */
    List<String> instruments() {
        return List.copyOf(running.keySet());
    }

    /** Running instrument → attributes. */
    Map<String, Map<String, String>> attributes() {
        return Map.copyOf(running);
    }

    /** The highest outbox id applied to {@code instrument}, 0 when none. */
    long version(String instrument) {
        return versions.getOrDefault(instrument, 0L);
    }
}
