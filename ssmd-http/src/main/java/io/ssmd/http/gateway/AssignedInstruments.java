package io.ssmd.http.gateway;

import io.ssmd.core.shard.ShardHealth;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instruments the feeds' shards are assigned now (feed → ids), asked of the node's health registry at most once
 * per {@code maxAge}: a thousand clients subscribing at once cost one question. A market is known as soon as a shard
 * carries it, before its first trade. When the registry does not answer, the last answer stands.
 */
final class AssignedInstruments {

    private static final Logger log = LoggerFactory.getLogger(AssignedInstruments.class);

    private final Supplier<CompletionStage<Map<String, Set<String>>>> source;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    private Map<String, Set<String>> last = Map.of();
    private CompletableFuture<Map<String, Set<String>>> current;
    private long askedAt;

    AssignedInstruments(
            Supplier<CompletionStage<Map<String, Set<String>>>> source, Duration maxAge, LongSupplier nanoClock) {
        this.source = source;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Assigned instruments from the shards' health reports (every shard of every feed, whatever its state). */
    static AssignedInstruments fromHealth(Supplier<CompletionStage<List<ShardHealth>>> health, Duration maxAge) {
        return fromHealth(health, maxAge, (feed, instrument) -> false);
    }

    /**
     * As {@link #fromHealth(Supplier, Duration)}, leaving out the instruments {@code ended} names: a market the
     * security master says has ended is not held here even while a shard still carries it.
     */
    static AssignedInstruments fromHealth(
            Supplier<CompletionStage<List<ShardHealth>>> health, Duration maxAge, BiPredicate<String, String> ended) {
        return new AssignedInstruments(
                () -> health.get().thenApply(shards -> byFeed(shards, ended)), maxAge, System::nanoTime);
    }

    static Map<String, Set<String>> byFeed(List<ShardHealth> shards) {
        return byFeed(shards, (feed, instrument) -> false);
    }

    static Map<String, Set<String>> byFeed(List<ShardHealth> shards, BiPredicate<String, String> ended) {
        Map<String, Set<String>> byFeed = new HashMap<>();
        for (ShardHealth shard : shards) {
            Set<String> ids = byFeed.computeIfAbsent(shard.feed(), f -> new HashSet<>());
            for (String instrument : shard.instruments()) {
                if (!ended.test(shard.feed(), instrument)) {
                    ids.add(instrument);
                }
            }
        }
        byFeed.replaceAll((feed, ids) -> Set.copyOf(ids));
        return Map.copyOf(byFeed);
    }

    /** The assignment as of at most {@code maxAge} ago (or the last one known, when the registry failed). */
    synchronized CompletionStage<Map<String, Set<String>>> now() {
        long at = nanoClock.getAsLong();
        if (current != null && at - askedAt <= maxAgeNanos) {
            return current;
        }
        askedAt = at;
        CompletableFuture<Map<String, Set<String>>> asked = new CompletableFuture<>();
        current = asked;
        try {
            source.get().whenComplete((answer, failure) -> settle(asked, answer, failure));
        } catch (RuntimeException e) {
            settle(asked, null, e);
        }
        return asked;
    }

    private synchronized void settle(
            CompletableFuture<Map<String, Set<String>>> asked, Map<String, Set<String>> answer, Throwable failure) {
        if (failure == null) {
            last = answer;
        } else {
            log.warn(
                    "asking the health registry for the assigned instruments failed, using its last answer: {}",
                    failure.toString());
            if (current == asked) {
                // Ask again at the next subscribe rather than keep a failure for maxAge.
                current = null;
            }
        }
        asked.complete(last);
    }
}
