package io.ssmd.core.shard;

import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.shard.FeedManager.Command;
import io.ssmd.core.shard.FeedManager.FlushSecmaster;
import io.ssmd.core.shard.FeedManager.LoadSecmaster;
import io.ssmd.core.shard.FeedManager.Rerank;
import io.ssmd.core.shard.FeedManager.Reranked;
import io.ssmd.core.shard.FeedManager.SecmasterChanged;
import io.ssmd.core.shard.FeedManager.SecmasterLoaded;
import io.ssmd.core.shard.FeedManager.SecmasterSubscribed;
import io.ssmd.core.shard.FeedManager.SecmasterUnreadable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A {@link FeedManager}'s security-master path (DESIGN §15, change data capture), on the manager's thread: it loads
 * the feed's markets with each one's version and the outbox high-water mark, runs the selected {@code active} and
 * {@code halted} ones, then consumes the feed's change events from NATS ({@link SecmasterEvents}): a market that starts
 * running is added to a shard with room (a new shard past the fill ratio), one that closes, settles or is removed
 * leaves its shard, on the open connections where the venue allows, with its attributes in the assignment. Events are
 * applied from the state they carry when newer than the market's version ({@link SecmasterUniverse}), gathered for
 * {@link #SECMASTER_FLUSH}. A selection with a ranking ({@link MarketSelection#ranking()}) is ranked again every
 * rediscover interval.
 */
final class SecmasterFeed {

    /** What the security-master path asks of the manager it runs in. */
    interface Shards {

        /** The instruments the feed runs now. */
        List<String> running();

        /** Takes {@code instruments} as the feed's, with their attributes; returns the shards they pack into. */
        List<FeedShard.Start> place(List<String> instruments, Map<String, Map<String, String>> attributes);

        /** Sends the shards whose assignment changed. */
        void use(List<FeedShard.Start> shards);
    }

    /** Change events this close together become one repack (one assignment per changed shard). */
    static final Duration SECMASTER_FLUSH = Duration.ofMillis(100);

    /**
     * The events consumer starts this long before the instant the security master was read: clocks of the database
     * host, this node and the NATS server may disagree by this much without an event committed after the read being
     * missed. Events older than a market's version are ignored, so the overlap is free.
     */
    static final Duration SECMASTER_CLOCK_MARGIN = Duration.ofMinutes(5);

    /** The first wait before reading the security master or subscribing again after a failure; doubles to 1 min. */
    private static final Duration SECMASTER_RETRY = Duration.ofSeconds(1);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final FeedConnector feed;
    private final ConnectorMetrics metrics;
    private final Duration rediscoverEvery;
    private final Optional<SecmasterSource> secmaster;
    private final Shards shards;

    private SecmasterUniverse universe;
    private SecmasterEvents events;
    private boolean secmasterDirty;
    private Duration secmasterRetry = SECMASTER_RETRY;
    /** The wait before asking the venue for its ranking again after a failure. */
    private Duration rankRetry = SECMASTER_RETRY;

    SecmasterFeed(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            FeedConnector feed,
            ConnectorMetrics metrics,
            Duration rediscoverEvery,
            Optional<SecmasterSource> secmaster,
            Shards shards) {
        this.context = context;
        this.timers = timers;
        this.feed = feed;
        this.metrics = metrics;
        this.rediscoverEvery = rediscoverEvery;
        this.secmaster = secmaster;
        this.shards = shards;
    }

    Behavior<Command> onLoadSecmaster() {
        SecmasterSource source = secmaster.orElseThrow();
        Optional<MarketSelection.Ranking> ranking =
                feed.selection().orElseThrow().ranking();
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            java.time.Instant readAt = java.time.Instant.now();
                            var state = source.master().feedState(feed.name());
                            try {
                                return new SecmasterLoaded(state, rank(ranking), null, readAt, null);
                            } catch (CompletionException e) {
                                // Nothing ranked runs nothing; the rows and events still load, and the
                                // ranking is asked for again soon.
                                return new SecmasterLoaded(state, Optional.of(List.of()), e.getCause(), readAt, null);
                            }
                        },
                        FeedManager.blocking(context)),
                (loaded, failure) -> failure != null ? new SecmasterLoaded(null, null, null, null, failure) : loaded);
        return Behaviors.same();
    }

    /** The venue's ranking, asked on the blocking dispatcher; empty for a selection without one. */
    private static Optional<List<String>> rank(Optional<MarketSelection.Ranking> ranking) {
        try {
            return ranking.isEmpty()
                    ? Optional.empty()
                    : Optional.of(List.copyOf(ranking.get().rank()));
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    Behavior<Command> onRerank() {
        Optional<MarketSelection.Ranking> ranking =
                feed.selection().orElseThrow().ranking();
        context.pipeToSelf(
                CompletableFuture.supplyAsync(() -> rank(ranking).orElseThrow(), FeedManager.blocking(context)),
                Reranked::new);
        return Behaviors.same();
    }

    Behavior<Command> onReranked(Reranked reranked) {
        if (reranked.failure() != null) {
            rankFailed(reranked.failure());
            return Behaviors.same();
        }
        rankRetry = SECMASTER_RETRY;
        timers.startSingleTimer(Rerank.INSTANCE, rediscoverEvery);
        if (universe.rank(reranked.ranking())) {
            onFlushSecmaster();
        }
        return Behaviors.same();
    }

    Behavior<Command> onSecmasterLoaded(SecmasterLoaded loaded) {
        if (loaded.failure() != null) {
            retrySecmaster("reading the security master failed", loaded.failure(), LoadSecmaster.INSTANCE);
            return Behaviors.same();
        }
        secmasterRetry = SECMASTER_RETRY;
        universe = SecmasterUniverse.load(loaded.state(), feed.selection().orElseThrow(), loaded.ranking());
        List<String> instruments = universe.instruments();
        List<FeedShard.Start> next = shards.place(instruments, universe.attributes());
        if (loaded.state().markets().isEmpty()) {
            context.getLog()
                    .info(
                            "{}: the security master holds no market of this feed yet: waiting for its first sync;"
                                    + " the feed starts as soon as a sync commits (its created events on {})",
                            feed.name(),
                            SecmasterEvents.subject(secmaster.orElseThrow().env(), feed.name()));
        } else {
            context.getLog()
                    .info(
                            "{}: the security master runs {} of its {} markets in {} shards{}; events after outbox id"
                                    + " {} come from {}",
                            feed.name(),
                            instruments.size(),
                            loaded.state().markets().size(),
                            next.size(),
                            waiting(),
                            loaded.state().highWater(),
                            SecmasterEvents.subject(secmaster.orElseThrow().env(), feed.name()));
        }
        if (loaded.rankFailure() != null) {
            rankFailed(loaded.rankFailure());
        } else if (loaded.ranking().isPresent()) {
            timers.startSingleTimer(Rerank.INSTANCE, rediscoverEvery);
        }
        shards.use(next);
        subscribe(loaded.readAt().minus(SECMASTER_CLOCK_MARGIN));
        return Behaviors.same();
    }

    /** Subscribes to the feed's events from {@code from} on, on the blocking dispatcher (JetStream answers first). */
    private void subscribe(java.time.Instant from) {
        SecmasterSource source = secmaster.orElseThrow();
        org.apache.pekko.actor.typed.ActorRef<Command> self = context.getSelf();
        context.pipeToSelf(
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return SecmasterEvents.subscribe(
                                        source.nats(),
                                        source.env(),
                                        feed.name(),
                                        from,
                                        e -> self.tell(new SecmasterChanged(e.id(), e.instrument(), e.market())),
                                        why -> self.tell(new SecmasterUnreadable(why)));
                            } catch (Exception e) {
                                throw new CompletionException(e);
                            }
                        },
                        FeedManager.blocking(context)),
                SecmasterSubscribed::new);
    }

    Behavior<Command> onSecmasterSubscribed(SecmasterSubscribed subscribed) {
        if (subscribed.failure() != null) {
            // Reloading too: events published while no consumer ran are then in the rows, whatever their age.
            retrySecmaster("subscribing to its change events failed", subscribed.failure(), LoadSecmaster.INSTANCE);
            return Behaviors.same();
        }
        secmasterRetry = SECMASTER_RETRY;
        events = subscribed.events();
        return Behaviors.same();
    }

    private void retrySecmaster(String what, Throwable failure, Command retry) {
        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        context.getLog()
                .warn(
                        "{}: {} ({}); the shards keep their instruments; trying again in {} ms",
                        feed.name(),
                        what,
                        cause.toString(),
                        secmasterRetry.toMillis());
        timers.startSingleTimer(retry, secmasterRetry);
        secmasterRetry = secmasterRetry.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0
                ? Duration.ofMinutes(1)
                : secmasterRetry.multipliedBy(2);
    }

    /** The ranking failed: the last one stays (none at first: nothing runs); asked again from 1 s, doubling. */
    private void rankFailed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        context.getLog()
                .warn(
                        "{}: asking the venue for its ranking failed ({}); {}; next try in {} ms",
                        feed.name(),
                        cause.toString(),
                        shards.running().isEmpty() ? "nothing runs until it answers" : "the last ranking stays",
                        rankRetry.toMillis());
        timers.startSingleTimer(Rerank.INSTANCE, rankRetry);
        Duration doubled = rankRetry.multipliedBy(2);
        rankRetry = doubled.compareTo(rediscoverEvery) > 0 ? rediscoverEvery : doubled;
    }

    /**
     * How many selected markets that trade wait outside the cap or the venue's ranking, for the log: they are not
     * wanted (yet), which is not the same as dropped. Empty for a selection without either.
     */
    private String waiting() {
        MarketSelection selection = feed.selection().orElseThrow();
        if (selection.maxInstruments().isEmpty() && selection.ranking().isEmpty()) {
            return "";
        }
        String limits = selection.maxInstruments().isPresent()
                ? "max-instruments " + selection.maxInstruments().getAsInt()
                : "";
        if (selection.ranking().isPresent()) {
            limits = limits.isEmpty() ? "the venue's ranking" : limits + " and the venue's ranking";
        }
        return "; " + universe.waiting() + " more selected wait outside " + limits
                + " (not wanted yet, so not dropped)";
    }

    Behavior<Command> onSecmasterChanged(SecmasterChanged changed) {
        if (universe != null && universe.apply(changed.id(), changed.instrument(), changed.market())) {
            if (!secmasterDirty) {
                secmasterDirty = true;
                timers.startSingleTimer(FlushSecmaster.INSTANCE, SECMASTER_FLUSH);
            }
        }
        return Behaviors.same();
    }

    Behavior<Command> onSecmasterUnreadable(SecmasterUnreadable unreadable) {
        metrics.marketsDropped().labelValues(feed.name(), "unreadable_event").inc();
        context.getLog()
                .error("{}: {}; counted in ssmd_secmaster_markets_dropped_total", feed.name(), unreadable.why());
        return Behaviors.same();
    }

    Behavior<Command> onFlushSecmaster() {
        secmasterDirty = false;
        List<String> instruments = universe.instruments();
        ShardInstruments.Diff diff = ShardInstruments.diff(shards.running(), instruments);
        context.getLog()
                .info(
                        "{}: security master: {} markets added, {} removed; {} now{}",
                        feed.name(),
                        diff.added().size(),
                        diff.removed().size(),
                        instruments.size(),
                        waiting());
        shards.use(shards.place(instruments, universe.attributes()));
        return Behaviors.same();
    }

    /** Stops consuming the change events. */
    void close() {
        if (events != null) {
            events.close();
        }
    }
}
