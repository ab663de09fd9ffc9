package io.ssmd.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.ssmd.core.CborSerializable;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.meta.SecurityMaster;
import io.ssmd.feeds.SecmasterSync;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Syncs the security master of every enabled feed at startup and then every {@code ssmd.secmaster.sync-every} (DESIGN
 * §15): a cluster singleton, so one node of a cluster reads the venues. Feeds are synced one at a time, each on the
 * blocking dispatcher; the next round is due {@code sync-every} after the previous one ended, so rounds never overlap.
 * A feed whose sync fails is logged with its name and the reason, counted in
 * {@code ssmd_secmaster_sync_failures_total{feed}}, and tried again alone after {@code sync-retry} (5 s), the wait
 * doubling while it keeps failing up to {@code sync-every}: a feed taking its instruments from the security master
 * waits for its first good sync, so a venue that was down at startup must not cost it a whole round. The other feeds go
 * on; the full round comes {@code sync-every} after the last retry round ended.
 */
final class SecmasterScheduler extends AbstractBehavior<SecmasterScheduler.Command> {

    /**
     * How often to sync ({@code ssmd.secmaster.sync-every}; empty: only {@code ssmd market sync} syncs) and how soon
     * a failed feed is tried again ({@code ssmd.secmaster.sync-retry}, doubling up to {@code every}).
     */
    record Settings(Optional<Duration> every, Duration retry) {

        static final String KEY = "ssmd.secmaster.sync-every";

        static final String RETRY_KEY = "ssmd.secmaster.sync-retry";

        Settings {
            if (retry.isNegative() || retry.isZero()) {
                throw new IllegalArgumentException(RETRY_KEY + " must be a positive duration (5s), got " + retry);
            }
        }

        /**
         * Reads {@value #KEY}: a duration, or {@code off} / {@code 0} to sync neither at startup nor on a schedule.
         *
         * @throws IllegalArgumentException naming the key for a value that is neither
         */
        static Settings create(Config config) {
            Duration retry;
            try {
                retry = config.getDuration(RETRY_KEY);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(RETRY_KEY + " must be a positive duration (5s): " + e.getMessage());
            }
            return new Settings(every(config), retry);
        }

        private static Optional<Duration> every(Config config) {
            // HOCON reads a bare `off` as the boolean false; a system property stays the string "off".
            if (config.getValue(KEY).valueType() == ConfigValueType.BOOLEAN) {
                if (!config.getBoolean(KEY)) {
                    return Optional.empty();
                }
                throw new IllegalArgumentException(KEY + " must be a duration (1h) or off, got on");
            }
            String text = config.getString(KEY).trim().toLowerCase(Locale.ROOT);
            if (List.of("off", "false", "no", "none").contains(text)) {
                return Optional.empty();
            }
            Duration every;
            try {
                every = config.getDuration(KEY);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        KEY + " must be a duration (1h, 30m) or off, got '" + config.getString(KEY) + "'");
            }
            if (every.isNegative()) {
                throw new IllegalArgumentException(KEY + " must be a duration (1h, 30m) or off, got " + every);
            }
            return every.isZero() ? Optional.empty() : Optional.of(every);
        }

        /**
         * These settings as {@code environment} has them: its {@code secmaster.sync-every}, when it sets one, wins over
         * the node's (the environment says what runs; {@code none} there turns syncing off).
         */
        Settings in(Environment environment) {
            return environment
                    .secmasterSyncEvery()
                    .map(every -> new Settings(every.isZero() ? Optional.empty() : Optional.of(every), retry))
                    .orElse(this);
        }
    }

    /** What the scheduler takes. */
    sealed interface Command extends CborSerializable {}

    /** Start a round now, unless one runs. */
    enum Tick implements Command {
        INSTANCE
    }

    /** One feed's sync ended: its counts, or why it failed. */
    private record Synced(String feed, SecurityMaster.SyncCounts counts, Throwable failure, Duration took)
            implements Command {}

    /** Sync the feeds that failed in the round before again. */
    private enum Retry implements Command {
        INSTANCE
    }

    private static final Object ROUND = "round";

    private static final Object RETRY = "retry";

    private final TimerScheduler<Command> timers;
    private final List<EnabledFeed> feeds;
    private final SecmasterSync sync;
    private final Duration every;
    private final Duration firstRetry;
    private final SecmasterSyncMetrics metrics;
    private final Executor blocking;
    private final ArrayDeque<EnabledFeed> pending = new ArrayDeque<>();
    /** The feeds whose sync failed in the round under way. */
    private final List<EnabledFeed> failed = new ArrayList<>();
    /** The feeds the next retry round syncs. */
    private final List<EnabledFeed> retrying = new ArrayList<>();
    /** The full round came while a retry round ran: it starts when that ends. */
    private boolean roundDue;
    /** The wait before the next retry round: {@link #firstRetry}, doubled after each retry round that failed. */
    private Duration retry;

    private SecmasterScheduler(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            List<EnabledFeed> feeds,
            SecmasterSync sync,
            Duration every,
            Duration retry,
            SecmasterSyncMetrics metrics,
            Executor blocking) {
        super(context);
        this.timers = timers;
        this.feeds = List.copyOf(feeds);
        this.sync = sync;
        this.every = every;
        this.firstRetry = retry;
        this.retry = retry;
        this.metrics = metrics;
        this.blocking = blocking;
    }

    /**
     * Starts the first round at once.
     *
     * @param every    the pause between the end of a round and the start of the next
     * @param retry    the first wait before a failed feed is tried again alone (doubling up to {@code every})
     * @param blocking where each sync runs: the node's {@code ssmd-blocking-dispatcher}
     */
    static Behavior<Command> create(
            List<EnabledFeed> feeds,
            SecmasterSync sync,
            Duration every,
            Duration retry,
            SecmasterSyncMetrics metrics,
            Executor blocking) {
        Behavior<Command> behavior = Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            context.getLog()
                    .info(
                            "security master: syncing {} now and every {} on this node",
                            feeds.stream().map(EnabledFeed::name).toList(),
                            every);
            feeds.forEach(feed -> metrics.track(feed.name()));
            context.getSelf().tell(Tick.INSTANCE);
            return new SecmasterScheduler(context, timers, feeds, sync, every, retry, metrics, blocking);
        }));
        return Behaviors.supervise(behavior)
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Tick.class, this::onTick)
                .onMessage(Retry.class, this::onRetry)
                .onMessage(Synced.class, this::onSynced)
                .build();
    }

    private Behavior<Command> onTick(Tick tick) {
        if (!pending.isEmpty()) {
            // A retry round runs: the full round starts when it ends.
            roundDue = true;
            return this;
        }
        // The full round syncs the failed feeds too.
        timers.cancel(RETRY);
        retrying.clear();
        pending.addAll(feeds);
        syncNext();
        return this;
    }

    private Behavior<Command> onRetry(Retry again) {
        if (!pending.isEmpty()) {
            return this;
        }
        pending.addAll(retrying);
        retrying.clear();
        syncNext();
        return this;
    }

    private Behavior<Command> onSynced(Synced done) {
        if (done.failure() == null) {
            SecurityMaster.SyncCounts c = done.counts();
            metrics.succeeded(done.feed(), c.seen(), Instant.now());
            getContext()
                    .getLog()
                    .info(
                            "security master: {} synced in {} ms: {} markets, {} created, {} updated, {} removed",
                            done.feed(),
                            done.took().toMillis(),
                            c.seen(),
                            c.created(),
                            c.updated(),
                            c.removed());
        } else {
            metrics.failed(done.feed());
            failed.add(pending.peek());
            getContext()
                    .getLog()
                    .warn(
                            "security master: sync of feed {} failed after {} ms, nothing of it removed; next try in {}:"
                                    + " {}",
                            done.feed(),
                            done.took().toMillis(),
                            retry,
                            done.failure().toString());
        }
        pending.poll();
        syncNext();
        return this;
    }

    /**
     * Syncs the head of {@link #pending}; when none is left, schedules the failed feeds again after {@link #retry}
     * (then doubled, up to {@code every}), and the next full round {@code every} after the full round ended.
     */
    private void syncNext() {
        EnabledFeed feed = pending.peek();
        if (feed == null) {
            if (failed.isEmpty()) {
                retry = firstRetry;
            } else {
                retrying.addAll(failed);
                failed.clear();
                timers.startSingleTimer(RETRY, Retry.INSTANCE, retry);
                Duration doubled = retry.multipliedBy(2);
                retry = doubled.compareTo(every) > 0 ? every : doubled;
            }
            if (roundDue) {
                roundDue = false;
                timers.startSingleTimer(ROUND, Tick.INSTANCE, Duration.ZERO);
            } else if (!timers.isTimerActive(ROUND)) {
                timers.startSingleTimer(ROUND, Tick.INSTANCE, every);
            }
            return;
        }
        long start = System.nanoTime();
        CompletableFuture<SecurityMaster.SyncCounts> result = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return sync.sync(feed, line -> {});
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CompletionException(e);
                    }
                },
                blocking);
        getContext()
                .pipeToSelf(
                        result,
                        (counts, failure) -> new Synced(
                                feed.name(),
                                counts,
                                failure instanceof CompletionException && failure.getCause() != null
                                        ? failure.getCause()
                                        : failure,
                                Duration.ofNanos(System.nanoTime() - start)));
    }
}
