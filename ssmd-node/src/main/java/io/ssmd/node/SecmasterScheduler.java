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
 * {@code ssmd_secmaster_sync_failures_total{feed}}, and tried again at the next round; the other feeds go on.
 */
final class SecmasterScheduler extends AbstractBehavior<SecmasterScheduler.Command> {

    /** How often to sync ({@code ssmd.secmaster.sync-every}); empty: only {@code ssmd market sync} syncs. */
    record Settings(Optional<Duration> every) {

        static final String KEY = "ssmd.secmaster.sync-every";

        /**
         * Reads {@value #KEY}: a duration, or {@code off} / {@code 0} to sync neither at startup nor on a schedule.
         *
         * @throws IllegalArgumentException naming the key for a value that is neither
         */
        static Settings create(Config config) {
            // HOCON reads a bare `off` as the boolean false; a system property stays the string "off".
            if (config.getValue(KEY).valueType() == ConfigValueType.BOOLEAN) {
                if (!config.getBoolean(KEY)) {
                    return new Settings(Optional.empty());
                }
                throw new IllegalArgumentException(KEY + " must be a duration (1h) or off, got on");
            }
            String text = config.getString(KEY).trim().toLowerCase(Locale.ROOT);
            if (List.of("off", "false", "no", "none").contains(text)) {
                return new Settings(Optional.empty());
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
            return new Settings(every.isZero() ? Optional.empty() : Optional.of(every));
        }

        /**
         * These settings as {@code environment} has them: its {@code secmaster.sync-every}, when it sets one, wins over
         * the node's (the environment says what runs; {@code none} there turns syncing off).
         */
        Settings in(Environment environment) {
            return environment
                    .secmasterSyncEvery()
                    .map(every -> new Settings(every.isZero() ? Optional.empty() : Optional.of(every)))
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

    private static final Object ROUND = "round";

    private final TimerScheduler<Command> timers;
    private final List<EnabledFeed> feeds;
    private final SecmasterSync sync;
    private final Duration every;
    private final SecmasterSyncMetrics metrics;
    private final Executor blocking;
    private final ArrayDeque<EnabledFeed> pending = new ArrayDeque<>();

    private SecmasterScheduler(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            List<EnabledFeed> feeds,
            SecmasterSync sync,
            Duration every,
            SecmasterSyncMetrics metrics,
            Executor blocking) {
        super(context);
        this.timers = timers;
        this.feeds = List.copyOf(feeds);
        this.sync = sync;
        this.every = every;
        this.metrics = metrics;
        this.blocking = blocking;
    }

    /**
     * Starts the first round at once.
     *
     * @param every    the pause between the end of a round and the start of the next
     * @param blocking where each sync runs: the node's {@code ssmd-blocking-dispatcher}
     */
    static Behavior<Command> create(
            List<EnabledFeed> feeds,
            SecmasterSync sync,
            Duration every,
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
            return new SecmasterScheduler(context, timers, feeds, sync, every, metrics, blocking);
        }));
        return Behaviors.supervise(behavior)
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Tick.class, this::onTick)
                .onMessage(Synced.class, this::onSynced)
                .build();
    }

    private Behavior<Command> onTick(Tick tick) {
        if (!pending.isEmpty()) {
            return this;
        }
        pending.addAll(feeds);
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
            getContext()
                    .getLog()
                    .warn(
                            "security master: sync of feed {} failed after {} ms, nothing of it removed; next try in {}:"
                                    + " {}",
                            done.feed(),
                            done.took().toMillis(),
                            every,
                            done.failure().toString());
        }
        pending.poll();
        syncNext();
        return this;
    }

    /** Syncs the head of {@link #pending}, or schedules the next round when none is left. */
    private void syncNext() {
        EnabledFeed feed = pending.peek();
        if (feed == null) {
            timers.startSingleTimer(ROUND, Tick.INSTANCE, every);
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
