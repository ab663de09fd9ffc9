package io.ssmd.feeds.kalshi;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The client's view of one connection's subscriptions: which command id named which markets, which sid each
 * command became, each sid's channel, markets and last {@code seq}.
 *
 * <p>Kalshi numbers frames per sid, not per market (PROTOCOLS.md §1.7): every frame carrying a {@code seq} on a sid
 * consumes one, acks included: an {@code ok} to {@code update_subscription} or to a repeat subscribe, and
 * {@code unsubscribed}, are not gaps (DESIGN.md §11). A repeat subscribe to a channel the connection already has
 * joins its sid (answered {@code ok}, not {@code subscribed}), so one connection normally has one sid per channel.
 */
final class KalshiSids {

    /** A broken sequence on a sid. */
    record Gap(int sid, long expected, long got) {
        String reason() {
            return "seq gap on sid " + sid + ": expected " + expected + ", got " + got;
        }
    }

    private final Map<Long, List<String>> commands = new HashMap<>();
    private final Map<Integer, String> channels = new HashMap<>();
    private final Map<Integer, Set<String>> markets = new HashMap<>();
    private final Map<Integer, Long> lastSeq = new HashMap<>();
    /** Sids being replaced after a gap: their remaining frames are published but not checked. */
    private final Set<Integer> retired = new HashSet<>();

    /** Remembers the markets a command of ours named, so its acks and errors can be tied to them. */
    void command(long id, List<String> tickers) {
        commands.put(id, List.copyOf(tickers));
    }

    /** The markets a command named; empty for an id that is not ours. */
    List<String> commandMarkets(Long id) {
        return id == null ? List.of() : commands.getOrDefault(id, List.of());
    }

    /** {@code subscribed}: a new sid for this channel, holding the command's markets; its seq starts at 1. */
    void subscribed(Long id, int sid, String channel) {
        channels.put(sid, channel);
        markets.computeIfAbsent(sid, s -> new LinkedHashSet<>()).addAll(commandMarkets(id));
        if (channel.equals(KalshiProtocol.ORDERBOOK_DELTA)) {
            lastSeq.put(sid, 0L);
        }
    }

    /**
     * {@code ok} on a sid: a repeat subscribe or {@code update_subscription} answered. The full market list when
     * Kalshi sends one ({@code skip_ticker_ack} leaves it out), else the command's markets are added.
     */
    void ok(Long id, int sid, Optional<List<String>> fullList) {
        Set<String> held = markets.computeIfAbsent(sid, s -> new LinkedHashSet<>());
        if (fullList.isPresent()) {
            held.clear();
            held.addAll(fullList.get());
        } else {
            held.addAll(commandMarkets(id));
        }
    }

    /** A market seen in a frame of this sid (covers sids whose ack this connection never saw). */
    void saw(int sid, String ticker) {
        markets.computeIfAbsent(sid, s -> new LinkedHashSet<>()).add(ticker);
    }

    /** A market taken off a sid ({@code delete_markets}): a later resync of the sid must not bring it back. */
    void forget(int sid, String ticker) {
        Set<String> held = markets.get(sid);
        if (held != null) {
            held.remove(ticker);
        }
    }

    /**
     * A market that left the connection: taken off every sid and out of the commands that named it (a command left
     * naming nothing is forgotten: its ack or error then concerns no market), so the connection's maps do not grow
     * with every market that ever passed through it.
     */
    void drop(String ticker) {
        markets.values().forEach(held -> held.remove(ticker));
        commands.values().removeIf(named -> named.contains(ticker) && named.size() == 1);
        commands.replaceAll((id, named) -> named.contains(ticker)
                ? named.stream().filter(t -> !t.equals(ticker)).toList()
                : named);
    }

    /** Distinct markets on any sid, and distinct markets named by a remembered command (the decoder's sizes). */
    int marketsHeld() {
        Set<String> all = new HashSet<>();
        markets.values().forEach(all::addAll);
        return all.size();
    }

    int commandMarkets() {
        Set<String> all = new HashSet<>();
        commands.values().forEach(all::addAll);
        return all.size();
    }

    /**
     * Records a frame's {@code seq} on its sid; a gap when the sid carries books and the number is not the next one.
     * The first number seen on a sid whose ack was not seen is taken as it is.
     */
    Optional<Gap> seq(int sid, long seq, boolean bookFrame) {
        if (bookFrame) {
            channels.putIfAbsent(sid, KalshiProtocol.ORDERBOOK_DELTA);
        }
        Long last = lastSeq.put(sid, seq);
        if (last == null || retired.contains(sid) || !isBook(sid) || seq == last + 1) {
            return Optional.empty();
        }
        return Optional.of(new Gap(sid, last + 1, seq));
    }

    boolean isBook(int sid) {
        return KalshiProtocol.ORDERBOOK_DELTA.equals(channels.get(sid));
    }

    boolean retired(int sid) {
        return retired.contains(sid);
    }

    /** Stops checking a sid that is being unsubscribed. */
    void retire(int sid) {
        retired.add(sid);
    }

    /** The markets of a sid, in the order they were added. */
    List<String> markets(int sid) {
        return List.copyOf(markets.getOrDefault(sid, Set.of()));
    }

    /** The sid of a channel on this connection, if subscribed and not retired. */
    Optional<Integer> sidOf(String channel) {
        return channels.entrySet().stream()
                .filter(e -> e.getValue().equals(channel) && !retired.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .min(Integer::compare);
    }

    /** {@code unsubscribed}: the sid is gone. */
    void unsubscribed(int sid) {
        channels.remove(sid);
        markets.remove(sid);
        lastSeq.remove(sid);
    }
}
