package io.ssmd.core.shard;

import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.SecurityMaster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
 * locked by the transaction that writes its event), so "higher id wins" is "later state wins".
 *
 * <p><b>The cap</b> ({@link MarketSelection#maxInstruments()}): the running instruments are filled best first, by the
 * venue's ranking when the selection has one (then only ranked instruments run) and otherwise in the order the markets
 * came (row id at load, then event order), whole groups only, up to the cap. Running instruments keep running while
 * they are wanted: a market that starts trading while the cap is full waits, and takes the first free place, best
 * first, when a running one leaves. Not thread-safe: the feed manager's.
 */
final class SecmasterUniverse {

    /** Statuses whose markets run: a halted market keeps its subscription for when it trades again. */
    static final Set<String> RUNNING = Set.of(MarketRecord.ACTIVE, MarketRecord.HALTED);

    /** A market that could run: its status runs and the selection selects it. */
    private record Eligible(Map<String, String> attributes, String group, long order) {}

    private final MarketSelection selection;
    private final OptionalInt cap;
    private final Map<String, Long> versions = new HashMap<>();
    /** Markets that could run, in the order they came. */
    private final Map<String, Eligible> eligible = new LinkedHashMap<>();
    /** The running instruments, in the order they started. */
    private final Set<String> running = new LinkedHashSet<>();
    /** Instrument → its place in the venue's ranking; null without one. */
    private Map<String, Integer> ranks;

    /** Instrument → the place it came in. */
    private final Map<String, Long> orders = new HashMap<>();

    private long arrivals;

    private SecmasterUniverse(MarketSelection selection, Optional<List<String>> ranking) {
        this.selection = selection;
        this.cap = selection.maxInstruments();
        ranking.ifPresent(this::setRanking);
    }

    /** The universe of a feed's markets as loaded (every market's version, the running ones in id order). */
    static SecmasterUniverse load(SecurityMaster.FeedState state, MarketSelection selection) {
        return load(state, selection, Optional.empty());
    }

    /** As above, ranked by the venue's {@code ranking} (best first) when present. */
    static SecmasterUniverse load(
            SecurityMaster.FeedState state, MarketSelection selection, Optional<List<String>> ranking) {
        SecmasterUniverse universe = new SecmasterUniverse(selection, ranking);
        for (SecurityMaster.VersionedMarket m : state.markets()) {
            universe.versions.put(m.market().instrument(), m.version());
            universe.consider(m.market().instrument(), m.market().market().fields());
        }
        universe.fill();
        return universe;
    }

    /** Applies one event; true when the running instruments or their attributes changed. */
    boolean apply(long id, String instrument, Map<String, String> market) {
        if (id <= versions.getOrDefault(instrument, 0L)) {
            return false;
        }
        versions.put(instrument, id);
        Map<String, String> before =
                running.contains(instrument) ? eligible.get(instrument).attributes() : null;
        consider(instrument, market);
        Eligible now = eligible.get(instrument);
        boolean wanted = now != null && ranked(instrument);
        if (!wanted) {
            if (running.remove(instrument)) {
                fill();
                return true;
            }
            return false;
        }
        if (before != null) {
            return !before.equals(now.attributes());
        }
        return fill();
    }

    /**
     * Takes the venue's new ranking: instruments it no longer ranks stop, the free places are filled best first;
     * true when the running instruments changed.
     */
    boolean rank(List<String> ranking) {
        setRanking(ranking);
        boolean removed = running.removeIf(i -> !ranks.containsKey(i));
        return fill() || removed;
    }

    private void setRanking(List<String> ranking) {
        Map<String, Integer> next = new HashMap<>();
        for (String instrument : ranking) {
            next.putIfAbsent(instrument, next.size());
        }
        ranks = next;
    }

    private void consider(String instrument, Map<String, String> market) {
        // Every market keeps the place it first came in (row order at load), running or not: one that opens later
        // ranks where the security master stored it.
        long order = orders.computeIfAbsent(instrument, i -> arrivals++);
        boolean runs = RUNNING.contains(market.get("status")) && selection.selects(market);
        if (!runs) {
            eligible.remove(instrument);
            return;
        }
        String group = selection.group(market);
        eligible.put(
                instrument,
                new Eligible(Map.copyOf(selection.attributes(market)), group == null ? instrument : group, order));
    }

    private boolean ranked(String instrument) {
        return ranks == null || ranks.containsKey(instrument);
    }

    /** Fills the free places best first, whole groups only; true when an instrument started. */
    private boolean fill() {
        if (cap.isEmpty() && ranks == null) {
            return running.addAll(eligible.keySet());
        }
        int room = cap.orElse(Integer.MAX_VALUE) - running.size();
        if (room <= 0) {
            return false;
        }
        List<String> best = new ArrayList<>();
        for (String instrument : eligible.keySet()) {
            if (ranked(instrument)) {
                best.add(instrument);
            }
        }
        best.sort(
                ranks == null
                        ? Comparator.comparingLong(i -> eligible.get(i).order())
                        : Comparator.comparingInt(ranks::get));
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String instrument : best) {
            if (!running.contains(instrument)) {
                groups.computeIfAbsent(eligible.get(instrument).group(), g -> new ArrayList<>())
                        .add(instrument);
            }
        }
        boolean started = false;
        Set<String> seen = new HashSet<>();
        for (String instrument : best) {
            if (room <= 0) {
                break;
            }
            List<String> members = groups.get(eligible.get(instrument).group());
            if (members == null || !seen.add(eligible.get(instrument).group())) {
                continue;
            }
            // Whole groups only: a group that does not fit is passed over for smaller ones, as discovery does.
            if (members.size() <= room) {
                running.addAll(members);
                room -= members.size();
                started = true;
            }
        }
        return started;
    }

    /** The running instruments, in the order they started. */
    List<String> instruments() {
        return List.copyOf(running);
    }

    /** Running instrument → attributes. */
    Map<String, Map<String, String>> attributes() {
        Map<String, Map<String, String>> attributes = new HashMap<>();
        running.forEach(i -> attributes.put(i, eligible.get(i).attributes()));
        return Map.copyOf(attributes);
    }

    /** Markets that the selection wants and that trade but wait outside the cap or the ranking. */
    int waiting() {
        return eligible.size() - running.size();
    }

    /** The highest outbox id applied to {@code instrument}, 0 when none. */
    long version(String instrument) {
        return versions.getOrDefault(instrument, 0L);
    }
}
