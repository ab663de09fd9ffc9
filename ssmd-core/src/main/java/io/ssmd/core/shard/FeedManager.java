package io.ssmd.core.shard;

import io.ssmd.core.metrics.ConnectorMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * One enabled feed's manager, a cluster singleton (DESIGN §2): it packs the feed's instruments into shards, each
 * filled to {@code fill-ratio} of the venue's per-connection capacity so live additions have room, and (re)starts
 * every shard through Cluster Sharding. It re-sends each assignment periodically, so a shard that restarted or moved
 * to another node resumes without anyone remembering it.
 *
 * <p>A feed that lists no instruments takes them from its {@link InstrumentDiscovery}, at start and again every
 * {@code rediscoverEvery}. Re-discovery keeps every instrument in the shard it is in: instruments gone are taken
 * out of their shards, new ones fill shards that have room, then new shards; only shards whose lists changed get a
 * new assignment.
 *
 * <p>With a {@link SecmasterSource} and the venue's {@link MarketSelection}, a feed that lists no instruments takes
 * them from the security master instead (DESIGN §15, change data capture): its rows, then its change events on NATS
 * ({@code SecmasterFeed}). Markets a shard or the venue refuses are held out and placed again ({@code SubscribeTracker}).
 *
 * <p>With persistence (the node always has it), the manager's assignments live in the journal ({@link FeedAssignments}):
 * a manager that starts (its singleton moved or restarted, its node restarted) first recovers them and re-sends exactly
 * those starts, before discovery or the security master answers; what they answer then is applied as a diff on top,
 * instruments kept in their shards, nothing packed anew. Shards that Cluster Sharding restarted on their own
 * (remembered entities) ask for their start ({@link FeedShard.AssignmentWanted}) rather than wait for the next re-send.
 *
 * <p>An answer that is suddenly empty, or would take away more than half the instruments running, is more likely an
 * API fault than the venue closing its markets: it is held, with a warning and
 * {@code ssmd_connector_discovery_unconfirmed}, and the shards keep their instruments until the next answer, asked
 * for soon, confirms it (or not).
 */
public final class FeedManager extends AbstractBehavior<FeedManager.Command> {

    public sealed interface Command {}

    private enum Assign implements Command {
        INSTANCE
    }

    private enum Rediscover implements Command {
        INSTANCE
    }

    private record Discovered(List<String> instruments, Throwable failure) implements Command {}

    private record Send(FeedShard.Start start) implements Command {}

    /** What the journal held, from the {@link FeedAssignments} child once it has recovered (again after a restart). */
    private record AssignmentsRecovered(FeedAssignments.Recovered recovered) implements Command {}

    /** A shard started without its assignment asks for it (remembered entities), from the cluster-wide topic. */
    private record AssignmentWanted(FeedShard.AssignmentWanted wanted) implements Command {}

    enum LoadSecmaster implements Command {
        INSTANCE
    }

    /** The rows read at {@code readAt}, with the venue's ranking (empty: none; {@code rankFailure}: it failed). */
    record SecmasterLoaded(
            io.ssmd.core.meta.SecurityMaster.FeedState state,
            Optional<List<String>> ranking,
            Throwable rankFailure,
            java.time.Instant readAt,
            Throwable failure)
            implements Command {}

    /** Time to ask the venue for its ranking again (a selection with one, {@link MarketSelection#ranking()}). */
    enum Rerank implements Command {
        INSTANCE
    }

    record Reranked(List<String> ranking, Throwable failure) implements Command {}

    record SecmasterSubscribed(SecmasterEvents events, Throwable failure) implements Command {}

    /** One change event from NATS (told from a NATS thread, so it is serializable like any message from outside). */
    record SecmasterChanged(long id, String instrument, java.util.Map<String, String> market)
            implements Command, io.ssmd.core.CborSerializable {}

    /** A message on the feed's event subject that is no event: counted as a dropped market, logged. */
    record SecmasterUnreadable(String why) implements Command, io.ssmd.core.CborSerializable {}

    enum FlushSecmaster implements Command {
        INSTANCE
    }

    /** A shard's health report, from the cluster-wide health topic: what the venue or the shard refused. */
    private record HealthReported(ShardHealth health) implements Command {}

    /** Time to place a refused market again. */
    record RetrySubscribe(String instrument) implements Command {}

    /**
     * Markets that opened or closed since discovery (Kalshi's lifecycle events): the added ones go to shards with
     * room or a new shard, the removed ones leave theirs, on the open connections where the venue can. Crosses
     * nodes: whoever sees the event sends it to the singleton.
     */
    public record ChangeInstruments(List<String> added, List<String> removed)
            implements Command, io.ssmd.core.CborSerializable {
        public ChangeInstruments {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
        }
    }

    /**
     * The first shards of a feed start this far apart (plus up to half as much jitter), so that a node does not
     * open hundreds of venue connections in the same instant, nor all reconnect together after a restart.
     */
    static final Duration START_STAGGER = Duration.ofMillis(200);

    /** How long after a failed discovery the next try comes. */
    private static final Duration DISCOVERY_RETRY = Duration.ofSeconds(30);

    private final FeedConnector feed;
    private final ConnectorMetrics metrics;
    private final double fillRatio;
    private final Duration rediscoverEvery;
    private final TimerScheduler<Command> timers;
    private List<FeedShard.Start> assignments = List.of();
    private List<String> instruments = List.of();
    /** Whether the last discovery answer was held as suspicious: the next one confirms it or replaces it. */
    private boolean holding;

    private final Optional<SecmasterSource> secmaster;
    /** The instruments' attributes (security master), by instrument. */
    private java.util.Map<String, java.util.Map<String, String>> attributes = java.util.Map.of();

    /** The security-master path: idle unless {@link #fromSecmaster} says so. */
    private final SecmasterFeed secmasterFeed;

    private final SubscribeTracker subscribes;

    /** The journal of the assignments: empty without persistence (rigs and unit tests that run a plain manager). */
    private Optional<org.apache.pekko.actor.typed.ActorRef<FeedAssignments.Command>> store = Optional.empty();

    /** Messages held while the assignments recover: more than this and the rest are dropped (with a warning). */
    private static final int RECOVERY_STASH = 1000;

    /**
     * Starts the singleton manager of {@code feed} on the connector nodes of the cluster and returns its proxy: the
     * instruments from the security master where {@link #fromSecmaster} says so, refused markets retried as
     * {@code subscribeRetry} says, the assignments kept in the journal with {@code persistence} (a node always has it).
     */
    public static org.apache.pekko.actor.typed.ActorRef<Command> init(
            ActorSystem<?> system,
            FeedConnector feed,
            ConnectorMetrics metrics,
            double fillRatio,
            Duration reassignEvery,
            Duration rediscoverEvery,
            Optional<SecmasterSource> secmaster,
            SubscribeRetry subscribeRetry,
            Optional<io.ssmd.core.settings.PersistenceSettings> persistence) {
        return ClusterSingleton.get(system)
                .init(SingletonActor.of(
                                create(
                                        feed,
                                        metrics,
                                        fillRatio,
                                        reassignEvery,
                                        rediscoverEvery,
                                        secmaster,
                                        subscribeRetry,
                                        persistence),
                                "feed-manager-" + feed.name())
                        .withSettings(ClusterSingletonSettings.create(system).withRole("connector")));
    }

    public static Behavior<Command> create(
            FeedConnector feed,
            ConnectorMetrics metrics,
            double fillRatio,
            Duration reassignEvery,
            Duration rediscoverEvery) {
        return create(
                feed, metrics, fillRatio, reassignEvery, rediscoverEvery, Optional.empty(), SubscribeRetry.defaults());
    }

    /** Whether a feed takes its instruments from the security master: none listed, a selection, a source. */
    public static boolean fromSecmaster(FeedConnector feed, Optional<SecmasterSource> secmaster) {
        return feed.feed().instruments().isEmpty() && feed.selection().isPresent() && secmaster.isPresent();
    }

    public static Behavior<Command> create(
            FeedConnector feed,
            ConnectorMetrics metrics,
            double fillRatio,
            Duration reassignEvery,
            Duration rediscoverEvery,
            Optional<SecmasterSource> secmaster,
            SubscribeRetry subscribeRetry) {
        return create(
                feed, metrics, fillRatio, reassignEvery, rediscoverEvery, secmaster, subscribeRetry, Optional.empty());
    }

    /**
     * As above; with {@code persistence}, the assignments are recovered from the journal and re-sent before anything
     * else happens, and every change is recorded there.
     */
    public static Behavior<Command> create(
            FeedConnector feed,
            ConnectorMetrics metrics,
            double fillRatio,
            Duration reassignEvery,
            Duration rediscoverEvery,
            Optional<SecmasterSource> secmaster,
            SubscribeRetry subscribeRetry,
            Optional<io.ssmd.core.settings.PersistenceSettings> persistence) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(RECOVERY_STASH, stash -> {
            timers.startTimerWithFixedDelay(Assign.INSTANCE, reassignEvery);
            FeedManager manager =
                    new FeedManager(ctx, timers, feed, metrics, fillRatio, rediscoverEvery, secmaster, subscribeRetry);
            // The shards' health reports (the topic FeedHealthRegistry reads): which markets were refused.
            ctx.spawn(
                            org.apache.pekko.actor.typed.pubsub.Topic.create(ShardHealth.class, ShardHost.HEALTH_TOPIC),
                            "health")
                    .tell(org.apache.pekko.actor.typed.pubsub.Topic.subscribe(
                            ctx.messageAdapter(ShardHealth.class, HealthReported::new)));
            // Shards started without their assignment (remembered entities) ask for it here.
            ctx.spawn(
                            org.apache.pekko.actor.typed.pubsub.Topic.create(
                                    FeedShard.AssignmentWanted.class, FeedShard.ASSIGNMENT_TOPIC),
                            "assignment-wanted")
                    .tell(org.apache.pekko.actor.typed.pubsub.Topic.subscribe(
                            ctx.messageAdapter(FeedShard.AssignmentWanted.class, AssignmentWanted::new)));
            if (persistence.isPresent()) {
                manager.store = Optional.of(ctx.spawn(
                        FeedAssignments.create(
                                persistence.get().environment(),
                                feed.name(),
                                persistence.get().snapshotEvery(),
                                ctx.messageAdapter(FeedAssignments.Recovered.class, AssignmentsRecovered::new)),
                        "assignments"));
                return manager.recovering(stash);
            }
            manager.begin();
            return manager;
        })));
    }

    /** Starts taking the instruments from where the feed says: the security master, discovery or its list. */
    private void begin() {
        if (fromSecmaster(feed, secmaster)) {
            timers.startSingleTimer(LoadSecmaster.INSTANCE, Duration.ZERO);
        } else if (feed.feed().instruments().isEmpty() && feed.discovery().isPresent()) {
            // Through the timer rather than a tell to self: a node-local message that never needs serializing.
            timers.startSingleTimer(Rediscover.INSTANCE, Duration.ZERO);
        } else {
            instruments = feed.feed().instruments();
            subscribes.want(instruments, java.time.Instant.now());
            // Without recovered shards this is pack(feed, fillRatio); with them, the list as a diff on top.
            use(repack(feed.name(), instrumentShards(), instruments, perShard(feed, fillRatio)));
        }
    }

    /**
     * Waiting for the journal: the periodic re-send and health reports are dropped (nothing is assigned yet), anything
     * else waits for the assignments.
     */
    private Behavior<Command> recovering(org.apache.pekko.actor.typed.javadsl.StashBuffer<Command> stash) {
        return Behaviors.receive(Command.class)
                .onMessage(AssignmentsRecovered.class, recovered -> onFirstRecovered(recovered, stash))
                .onMessageEquals(Assign.INSTANCE, Behaviors::same)
                .onMessage(HealthReported.class, reported -> Behaviors.same())
                .onMessage(AssignmentWanted.class, wanted -> Behaviors.same())
                .onMessage(Command.class, message -> stashWhileRecovering(stash, message))
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> stashWhileRecovering(
            org.apache.pekko.actor.typed.javadsl.StashBuffer<Command> stash, Command message) {
        if (stash.isFull()) {
            getContext()
                    .getLog()
                    .warn(
                            "{}: {} messages wait for the assignments to recover; dropping {}",
                            feed.name(),
                            RECOVERY_STASH,
                            message.getClass().getSimpleName());
        } else {
            stash.stash(message);
        }
        return Behaviors.same();
    }

    private Behavior<Command> onFirstRecovered(
            AssignmentsRecovered recovered, org.apache.pekko.actor.typed.javadsl.StashBuffer<Command> stash) {
        restore(recovered.recovered().assignments());
        begin();
        return stash.unstashAll(this);
    }

    /**
     * Takes the journal's assignments as the running ones and re-sends them (staggered, as a first start is), so the
     * shards keep their instruments whatever discovery or the security master answers next.
     */
    private void restore(List<FeedShard.Start> recovered) {
        if (recovered.isEmpty()) {
            return;
        }
        assignments = List.copyOf(recovered);
        LinkedHashSet<String> running = new LinkedHashSet<>();
        java.util.Map<String, java.util.Map<String, String>> recoveredAttributes = new java.util.HashMap<>();
        for (FeedShard.Start shard : instrumentShards()) {
            running.addAll(shard.instruments());
            recoveredAttributes.putAll(shard.attributes());
        }
        instruments = List.copyOf(running);
        attributes = java.util.Map.copyOf(recoveredAttributes);
        getContext()
                .getLog()
                .info(
                        "{}: {} shards ({} instruments) recovered from the journal; re-sending them before the"
                                + " instruments are looked up again",
                        feed.name(),
                        assignments.size(),
                        instruments.size());
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        for (int i = 0; i < assignments.size(); i++) {
            FeedShard.Start start = assignments.get(i);
            if (i == 0) {
                send(start);
            } else {
                long jitter = random.nextLong(START_STAGGER.toMillis() / 2 + 1);
                timers.startSingleTimer(
                        new Send(start), START_STAGGER.multipliedBy(i).plusMillis(jitter));
            }
        }
    }

    /** The store restarted (its journal failed) and recovered again: what it lost is recorded again. */
    private Behavior<Command> onRecoveredAgain(AssignmentsRecovered recovered) {
        if (!new HashSet<>(recovered.recovered().assignments()).equals(new HashSet<>(assignments))) {
            store.ifPresent(s -> s.tell(new FeedAssignments.Record(assignments)));
        }
        return this;
    }

    private Behavior<Command> onAssignmentWanted(AssignmentWanted wanted) {
        assignments.stream()
                .filter(s -> s.shard().equals(wanted.wanted().shard()))
                .findFirst()
                .ifPresent(this::send);
        return this;
    }

    private FeedManager(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            FeedConnector feed,
            ConnectorMetrics metrics,
            double fillRatio,
            Duration rediscoverEvery,
            Optional<SecmasterSource> secmaster,
            SubscribeRetry subscribeRetry) {
        super(context);
        // The helpers below log through this context: the actor's logger stays named after the manager.
        context.setLoggerName(FeedManager.class);
        this.secmaster = secmaster;
        this.subscribes = new SubscribeTracker(
                context,
                timers,
                metrics,
                feed.name(),
                subscribeRetry,
                fromSecmaster(feed, secmaster)
                        ? Optional.of(secmaster.orElseThrow().master().subscriptions())
                        : Optional.empty());
        this.timers = timers;
        this.feed = feed;
        this.metrics = metrics;
        this.fillRatio = fillRatio;
        this.rediscoverEvery = rediscoverEvery;
        this.secmasterFeed = new SecmasterFeed(
                context, timers, feed, metrics, rediscoverEvery, secmaster, new SecmasterFeed.Shards() {
                    @Override
                    public List<String> running() {
                        return instruments;
                    }

                    @Override
                    public List<FeedShard.Start> place(
                            List<String> wanted, java.util.Map<String, java.util.Map<String, String>> attributes) {
                        return FeedManager.this.place(wanted, attributes);
                    }

                    @Override
                    public void use(List<FeedShard.Start> shards) {
                        FeedManager.this.use(shards);
                    }
                });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(Assign.INSTANCE, this::onAssign)
                .onMessageEquals(Rediscover.INSTANCE, this::onRediscover)
                .onMessage(Discovered.class, this::onDiscovered)
                .onMessage(Send.class, this::onSend)
                .onMessage(AssignmentsRecovered.class, this::onRecoveredAgain)
                .onMessage(AssignmentWanted.class, this::onAssignmentWanted)
                .onMessage(ChangeInstruments.class, this::onChangeInstruments)
                .onMessageEquals(LoadSecmaster.INSTANCE, secmasterFeed::onLoadSecmaster)
                .onMessage(SecmasterLoaded.class, secmasterFeed::onSecmasterLoaded)
                .onMessageEquals(Rerank.INSTANCE, secmasterFeed::onRerank)
                .onMessage(Reranked.class, secmasterFeed::onReranked)
                .onMessage(SecmasterSubscribed.class, secmasterFeed::onSecmasterSubscribed)
                .onMessage(SecmasterChanged.class, secmasterFeed::onSecmasterChanged)
                .onMessage(SecmasterUnreadable.class, secmasterFeed::onSecmasterUnreadable)
                .onMessageEquals(FlushSecmaster.INSTANCE, secmasterFeed::onFlushSecmaster)
                .onMessage(HealthReported.class, this::onHealthReported)
                .onMessage(RetrySubscribe.class, this::onRetrySubscribe)
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, signal -> onPostStop())
                .build();
    }

    private void use(List<FeedShard.Start> packed) {
        List<FeedShard.Start> next = new ArrayList<>(packed);
        feed.connector()
                .companion()
                .ifPresent(c -> next.add(FeedShard.Start.companion(feed.name(), c.name(), seriesAttributes())));
        boolean first = assignments.isEmpty();
        List<FeedShard.Start> changed =
                next.stream().filter(s -> !assignments.contains(s)).toList();
        assignments = next;
        if (!changed.isEmpty()) {
            store.ifPresent(s -> s.tell(new FeedAssignments.Record(changed)));
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        for (int i = 0; i < changed.size(); i++) {
            FeedShard.Start start = changed.get(i);
            getContext()
                    .getLog()
                    .info(
                            "{}: {} instruments",
                            start.shard(),
                            start.instruments().size());
            if (first && i > 0) {
                long jitter = random.nextLong(START_STAGGER.toMillis() / 2 + 1);
                timers.startSingleTimer(
                        new Send(start), START_STAGGER.multipliedBy(i).plusMillis(jitter));
            } else {
                send(start);
            }
        }
    }

    private Behavior<Command> onSend(Send send) {
        if (assignments.contains(send.start())) {
            send(send.start());
        }
        return this;
    }

    private void send(FeedShard.Start start) {
        FeedShard.ref(getContext().getSystem(), start.shard()).tell(start);
    }

    private Behavior<Command> onRediscover() {
        InstrumentDiscovery discovery = feed.discovery().orElseThrow();
        Executor blocking = getContext()
                .getSystem()
                .dispatchers()
                .lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher"));
        getContext()
                .pipeToSelf(
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return discovery.discover();
                                    } catch (Exception e) {
                                        throw new CompletionException(e);
                                    }
                                },
                                blocking),
                        (instruments, failure) -> new Discovered(instruments, failure));
        return this;
    }

    private Behavior<Command> onDiscovered(Discovered discovered) {
        if (discovered.failure() != null) {
            Throwable cause = discovered.failure() instanceof CompletionException c && c.getCause() != null
                    ? c.getCause()
                    : discovered.failure();
            getContext()
                    .getLog()
                    .warn(
                            "{}: discovery failed ({}); the shards keep their instruments; trying again in" + " {} s",
                            feed.name(),
                            cause.toString(),
                            DISCOVERY_RETRY.toSeconds());
            timers.startSingleTimer(Rediscover.INSTANCE, DISCOVERY_RETRY);
            return this;
        }
        Optional<String> suspect = suspect(instruments, discovered.instruments());
        if (suspect.isPresent() && !holding) {
            holding = true;
            metrics.discoveryHeld().labelValues(feed.name()).inc();
            metrics.discoveryUnconfirmed().labelValues(feed.name()).set(1);
            Duration confirmIn = rediscoverEvery.compareTo(DISCOVERY_RETRY) < 0 ? rediscoverEvery : DISCOVERY_RETRY;
            getContext()
                    .getLog()
                    .warn(
                            "{}: discovery answered {} instruments where {} run ({}); the shards keep theirs until"
                                    + " the next answer, in {} s, confirms it",
                            feed.name(),
                            discovered.instruments().size(),
                            instruments.size(),
                            suspect.get(),
                            confirmIn.toSeconds());
            timers.startSingleTimer(Rediscover.INSTANCE, confirmIn);
            return this;
        }
        if (holding) {
            holding = false;
            metrics.discoveryUnconfirmed().labelValues(feed.name()).set(0);
            getContext()
                    .getLog()
                    .warn(
                            "{}: the next discovery answer ({} instruments) {}",
                            feed.name(),
                            discovered.instruments().size(),
                            suspect.isPresent() ? "confirms the held one: applying it" : "replaces the held one");
        }
        instruments = List.copyOf(discovered.instruments());
        List<FeedShard.Start> next = repack(feed.name(), instrumentShards(), placeable(), perShard(feed, fillRatio));
        getContext()
                .getLog()
                .info(
                        "{}: discovery found {} instruments, {} shards",
                        feed.name(),
                        discovered.instruments().size(),
                        next.size());
        use(next);
        timers.startSingleTimer(Rediscover.INSTANCE, rediscoverEvery);
        return this;
    }

    private Behavior<Command> onChangeInstruments(ChangeInstruments change) {
        if (fromSecmaster(feed, secmaster)) {
            // The security master is the one source: what the sender saw reaches it (Kalshi's lifecycle watcher stores
            // its events there) and comes back as change events with the markets' attributes.
            return this;
        }
        java.util.LinkedHashSet<String> next = new java.util.LinkedHashSet<>(instruments);
        change.removed().forEach(next::remove);
        next.addAll(change.added());
        if (next.equals(new java.util.LinkedHashSet<>(instruments))) {
            return this;
        }
        instruments = List.copyOf(next);
        getContext()
                .getLog()
                .info(
                        "{}: {} instruments added, {} removed live; {} now",
                        feed.name(),
                        change.added().size(),
                        change.removed().size(),
                        instruments.size());
        use(repack(feed.name(), instrumentShards(), placeable(), attributes, perShard(feed, fillRatio)));
        return this;
    }

    /**
     * The instruments wanted now, minus the refused ones waiting for their retry; markets no longer wanted are
     * forgotten (their subscribe rows deleted, their retries cancelled).
     */
    private List<String> placeable() {
        return subscribes.placeable(instruments);
    }

    /** Takes {@code wanted} as the feed's instruments (the security master's), with their attributes; repacks them. */
    private List<FeedShard.Start> place(
            List<String> wanted, java.util.Map<String, java.util.Map<String, String>> attributes) {
        this.instruments = wanted;
        this.attributes = attributes;
        return repack(feed.name(), instrumentShards(), placeable(), attributes, perShard(feed, fillRatio));
    }

    private Behavior<Command> onHealthReported(HealthReported reported) {
        ShardHealth health = reported.health();
        if (!health.feed().equals(feed.name())) {
            return this;
        }
        Optional<FeedShard.Start> shard = instrumentShards().stream()
                .filter(s -> s.shard().equals(health.shard()))
                .findFirst();
        if (shard.isEmpty()) {
            return this;
        }
        if (subscribes.reported(health, shard.get().instruments())) {
            use(repack(feed.name(), instrumentShards(), placeable(), attributes, perShard(feed, fillRatio)));
        }
        subscribes.persist();
        return this;
    }

    private Behavior<Command> onRetrySubscribe(RetrySubscribe retry) {
        if (subscribes.retry(retry.instrument(), java.time.Instant.now())) {
            use(repack(feed.name(), instrumentShards(), placeable(), attributes, perShard(feed, fillRatio)));
        }
        return this;
    }

    private Behavior<Command> onPostStop() {
        secmasterFeed.close();
        return this;
    }

    /** The dispatcher for blocking calls (JDBC, the venue's HTTP, JetStream's answers). */
    static Executor blocking(ActorContext<?> context) {
        return context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("ssmd-blocking-dispatcher"));
    }

    /**
     * Why an answer of discovery looks like a fault rather than the venue's new universe: empty, or without more than
     * half of the instruments running. Empty when it looks sound, and always for the first answer.
     */
    static Optional<String> suspect(List<String> running, List<String> found) {
        if (running.isEmpty()) {
            return Optional.empty();
        }
        if (found.isEmpty()) {
            return Optional.of("an empty answer");
        }
        Set<String> kept = new HashSet<>(found);
        long lost = running.stream().filter(i -> !kept.contains(i)).count();
        return lost * 2 > running.size()
                ? Optional.of(lost + " of " + running.size() + " instruments gone")
                : Optional.empty();
    }

    /**
     * Each series' category, from the running instruments' attributes: what the feed-wide companion (Kalshi's
     * lifecycle channel) routes by, on whichever node it runs.
     */
    private java.util.Map<String, java.util.Map<String, String>> seriesAttributes() {
        java.util.Map<String, java.util.Map<String, String>> bySeries = new java.util.TreeMap<>();
        attributes.values().forEach(a -> {
            String series = a.get(FeedShard.Start.SERIES);
            String category = a.get(FeedShard.Start.CATEGORY);
            if (series != null && category != null) {
                bySeries.putIfAbsent(series, java.util.Map.of(FeedShard.Start.CATEGORY, category));
            }
        });
        return bySeries;
    }

    /** The current shards of instruments, without the companion. */
    private List<FeedShard.Start> instrumentShards() {
        return assignments.stream().filter(s -> s.companion().isEmpty()).toList();
    }

    private Behavior<Command> onAssign() {
        assignments.forEach(this::send);
        return this;
    }

    /**
     * The feed's instruments in shards of at most {@code capacity · fillRatio} (at least one each), in the order
     * configured, so a given configuration always gives the same shards.
     */
    public static List<FeedShard.Start> pack(FeedConnector feed, double fillRatio) {
        return repack(feed.name(), List.of(), feed.feed().instruments(), perShard(feed, fillRatio));
    }

    /**
     * The shards for {@code instruments} given the current ones: every instrument still wanted stays in its shard,
     * those gone leave it, and new ones fill shards with room (up to {@code perShard}), in order, then new shards.
     */
    public static List<FeedShard.Start> repack(
            String feed, List<FeedShard.Start> current, List<String> instruments, int perShard) {
        return repack(feed, current, instruments, java.util.Map.of(), perShard);
    }

    /** As above, each shard carrying the attributes of its instruments. */
    public static List<FeedShard.Start> repack(
            String feed,
            List<FeedShard.Start> current,
            List<String> instruments,
            java.util.Map<String, java.util.Map<String, String>> attributes,
            int perShard) {
        Set<String> wanted = new LinkedHashSet<>(instruments);
        Set<String> placed = new HashSet<>();
        List<List<String>> shards = new ArrayList<>();
        for (FeedShard.Start shard : current) {
            List<String> kept = new ArrayList<>();
            for (String instrument : shard.instruments()) {
                if (wanted.contains(instrument) && placed.add(instrument)) {
                    kept.add(instrument);
                }
            }
            shards.add(kept);
        }
        int index = 0;
        for (String instrument : wanted) {
            if (placed.contains(instrument)) {
                continue;
            }
            while (index < shards.size() && shards.get(index).size() >= perShard) {
                index++;
            }
            if (index == shards.size()) {
                shards.add(new ArrayList<>());
            }
            shards.get(index).add(instrument);
            placed.add(instrument);
        }
        List<FeedShard.Start> starts = new ArrayList<>();
        for (int n = 0; n < shards.size(); n++) {
            starts.add(new FeedShard.Start(feed, n, shards.get(n), attributes));
        }
        return List.copyOf(starts);
    }

    private static int perShard(FeedConnector feed, double fillRatio) {
        int capacity = feed.feed().definition().maxInstrumentsPerConnection();
        return Math.max(1, (int) Math.floor(capacity * fillRatio));
    }
}
