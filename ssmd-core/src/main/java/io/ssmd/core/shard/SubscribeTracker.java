package io.ssmd.core.shard;

import io.ssmd.core.meta.MarketSubscriptions;
import io.ssmd.core.meta.MarketSubscriptions.Subscription;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.shard.FeedManager.Command;
import io.ssmd.core.shard.FeedManager.RetrySubscribe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A feed manager's view of whether each market it wants is subscribed (issue 15: dropped markets are never silent).
 * Driven by the manager, on its thread: the shards' health reports say which markets a shard or the venue refused
 * ({@link ShardHealth#rejected()}); a refused market is held out of the shards until its retry (a timer of the
 * manager's), logged, and counted in {@code ssmd_secmaster_markets_dropped_total} once dropped; a market placed a
 * while ago on a streaming shard that reports no refusal of it is subscribed. Every change of state is queued for the
 * {@code market_subscriptions} table ({@link #changes()}) and written by {@link #persist()}, off the manager's thread.
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

    /** For the subscribe-state writes, which end on the blocking dispatcher rather than in the actor. */
    private static final org.slf4j.Logger WRITES_LOG = org.slf4j.LoggerFactory.getLogger(FeedManager.class);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ConnectorMetrics metrics;
    private final String feed;
    private final SubscribeRetry retry;
    private final Map<String, Market> markets = new HashMap<>();
    private final Map<String, Subscription> changed = new LinkedHashMap<>();
    private final Set<String> ended = new HashSet<>();
    /** Where the markets' subscribe states are kept: the security master's database, when the feed uses it. */
    private final Optional<MarketSubscriptions> subscriptionStore;
    /** The writes of subscribe states, one after the other on the blocking dispatcher, off the manager's thread. */
    private CompletableFuture<Void> subscriptionWrites = CompletableFuture.completedFuture(null);

    SubscribeTracker(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            ConnectorMetrics metrics,
            String feed,
            SubscribeRetry retry,
            Optional<MarketSubscriptions> subscriptionStore) {
        this.context = context;
        this.timers = timers;
        this.metrics = metrics;
        this.feed = feed;
        this.retry = retry;
        this.subscriptionStore = subscriptionStore;
    }

    /**
     * The instruments wanted now, minus the refused ones waiting for their retry; markets no longer wanted are
     * forgotten (their subscribe rows deleted, their retries cancelled).
     */
    List<String> placeable(List<String> instruments) {
        want(instruments, java.time.Instant.now()).forEach(i -> timers.cancel(retryKey(i)));
        persist();
        return notHeldOut(instruments);
    }

    /**
     * A health report of one of the feed's shards, whose current assignment is {@code assigned}: each market it
     * refused is logged (an error and a count once it is dropped) and placed again by a timer. True when some were
     * refused: the shards are to be packed again without them.
     */
    boolean reported(ShardHealth health, Collection<String> assigned) {
        List<Refused> refused = report(health, assigned, java.time.Instant.now());
        for (Refused r : refused) {
            String reason = health.rejected().get(r.instrument());
            if (r.droppedNow()) {
                metrics.marketsDropped().labelValues(feed, "rejected").inc();
                context.getLog()
                        .error(
                                "{}: market {} dropped: {} refused it {} times, last: {}; counted in"
                                        + " ssmd_secmaster_markets_dropped_total, retried again in {} ms",
                                feed,
                                r.instrument(),
                                health.shard(),
                                r.refusals(),
                                reason,
                                r.retryIn().toMillis());
            } else {
                context.getLog()
                        .warn(
                                "{}: market {} refused by {} ({}), refusal {}; placing it again in {} ms",
                                feed,
                                r.instrument(),
                                health.shard(),
                                reason,
                                r.refusals(),
                                r.retryIn().toMillis());
            }
            timers.startSingleTimer(retryKey(r.instrument()), new RetrySubscribe(r.instrument()), r.retryIn());
        }
        return !refused.isEmpty();
    }

    private static String retryKey(String instrument) {
        return "retry-subscribe-" + instrument;
    }

    /** Queues the changed subscribe states for the database, after the writes before them; never waits for them. */
    void persist() {
        var changes = changes();
        if (subscriptionStore.isEmpty()
                || (changes.getKey().isEmpty() && changes.getValue().isEmpty())) {
            return;
        }
        MarketSubscriptions store = subscriptionStore.get();
        String name = feed;
        subscriptionWrites = subscriptionWrites
                .thenRunAsync(
                        () -> store.apply(name, changes.getKey(), changes.getValue()), FeedManager.blocking(context))
                .exceptionally(failure -> {
                    // The states are what health shows anyway; a lost write is corrected by the market's next change.
                    WRITES_LOG.warn(
                            "{}: writing {} subscribe states failed: {}",
                            name,
                            changes.getKey().size(),
                            failure.toString());
                    return null;
                });
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
    private List<String> notHeldOut(List<String> wanted) {
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
    private List<Refused> report(ShardHealth health, Collection<String> assigned, Instant now) {
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
    private Map.Entry<List<Subscription>, List<String>> changes() {
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
