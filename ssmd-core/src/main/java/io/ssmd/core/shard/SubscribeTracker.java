package io.ssmd.core.shard;

import io.ssmd.core.meta.MarketSubscriptions;
import io.ssmd.core.meta.MarketSubscriptions.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A feed manager's view of whether each market it wants is subscribed (issue 15: dropped markets are never silent).
 * Pure state, driven by the manager: the shards' health reports say which markets a shard or the venue refused
 * ({@link ShardHealth#rejected()}); a refused market is held out of the shards until its retry; a market placed a
 * while ago on a streaming shard that reports no refusal of it is subscribed. Every change of state is queued for the
 * {@code market_subscriptions} table ({@link #changes()}).
 */
final class SubscribeTracker {

    /** What a refusal did to one market. */
    record Refused(String instrument, int refusals, boolean droppedNow, java.time.Duration retryIn) {}

    private static final class Market {
        String state = MarketSubscriptions.PENDING;
        String shard;
        int refusals;
        String lastError;
        Instant placedAt;
        boolean heldOut;
        boolean reported;
    }

    private final String feed;
    private final SubscribeRetry retry;
    private final Map<String, Market> markets = new HashMap<>();
    private final Map<String, Subscription> changed = new LinkedHashMap<>();
    private final Set<String> ended = new HashSet<>();

    SubscribeTracker(String feed, SubscribeRetry retry) {
        this.feed = feed;
        this.retry = retry;
    }

    /**
     * The markets wanted now: new ones are placed at {@code now}; those no longer wanted are forgotten and their rows
     * deleted. Returns the forgotten ones that were held out (their retry timers are moot).
     */
    List<String> want(Collection<String> wanted, Instant now) {
        Set<String> keep = new HashSet<>(wanted);
        List<String> moot = new ArrayList<>();
        markets.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) {
                return false;
            }
            if (e.getValue().heldOut) {
                moot.add(e.getKey());
            }
            changed.remove(e.getKey());
            ended.add(e.getKey());
            return true;
        });
        for (String instrument : wanted) {
            markets.computeIfAbsent(instrument, i -> {
                ended.remove(i);
                Market m = new Market();
                m.placedAt = now;
                return m;
            });
        }
        return moot;
    }

    /** The wanted markets minus those held out, in the order given. */
    List<String> placeable(List<String> wanted) {
        return wanted.stream()
                .filter(i -> {
                    Market m = markets.get(i);
                    return m == null || !m.heldOut;
                })
                .toList();
    }

    /**
     * A health report of one of the feed's shards, whose current assignment is {@code assigned}: the markets it
     * refused are held out (returned, with when to retry them); those it runs without refusal, placed at least
     * {@code confirm-after} ago on a streaming connection, are subscribed.
     */
    List<Refused> report(ShardHealth health, Collection<String> assigned, Instant now) {
        List<Refused> refused = new ArrayList<>();
        Set<String> running = new HashSet<>(health.instruments());
        boolean streaming =
                health.state().equals(ShardHealth.STREAMING) || health.state().equals(ShardHealth.BACKPRESSURED);
        for (String instrument : assigned) {
            Market m = markets.get(instrument);
            if (m == null || m.heldOut || !running.contains(instrument)) {
                continue;
            }
            String reason = health.rejected().get(instrument);
            if (reason != null) {
                m.refusals++;
                m.lastError = reason;
                m.shard = health.shard();
                m.heldOut = true;
                boolean droppedNow = m.refusals > retry.retries() && !m.state.equals(MarketSubscriptions.DROPPED);
                m.state = m.refusals > retry.retries() ? MarketSubscriptions.DROPPED : MarketSubscriptions.PENDING;
                refused.add(new Refused(instrument, m.refusals, droppedNow, retry.delay(m.refusals)));
                queue(instrument, m, now);
            } else if (streaming
                    && !m.placedAt.plus(retry.confirmAfter()).isAfter(now)
                    && (!m.state.equals(MarketSubscriptions.SUBSCRIBED) || !m.reported)) {
                m.state = MarketSubscriptions.SUBSCRIBED;
                m.shard = health.shard();
                m.refusals = 0;
                queue(instrument, m, now);
            }
        }
        return refused;
    }

    /** The retry of a held-out market: it is placed again at {@code now}. False when it is no longer wanted. */
    boolean retry(String instrument, Instant now) {
        Market m = markets.get(instrument);
        if (m == null || !m.heldOut) {
            return false;
        }
        m.heldOut = false;
        m.placedAt = now;
        return true;
    }

    /** The states changed and the markets ended since the last call, to write; both emptied. */
    Map.Entry<List<Subscription>, List<String>> changes() {
        var out = Map.entry(List.copyOf(changed.values()), List.copyOf(ended));
        changed.clear();
        ended.clear();
        return out;
    }

    private void queue(String instrument, Market m, Instant now) {
        m.reported = true;
        changed.put(instrument, new Subscription(feed, instrument, m.state, m.shard, m.refusals, m.lastError, now));
    }
}
