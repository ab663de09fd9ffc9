package io.ssmd.core.shard;

import io.ssmd.core.Backoff;
import io.ssmd.core.CborSerializable;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.EpochMicros;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;

/**
 * One venue connection and its instruments: a Cluster Sharding entity named {@code {feed}-{n}} (DESIGN §2). It runs
 * the {@link ShardGraph} and, when the graph ends for any reason, announces {@code disconnected} and reconnects
 * after an exponential backoff with jitter: this shard only, never its siblings, never the process.
 *
 * <p>The reconnect loop is the actor's rather than a {@code RestartSource}'s because each attempt is a new
 * connection with an epoch of its own (message ids, control events) and health must show the backoff state.
 *
 * <p>This file passes 400 lines on purpose: it is one actor with its protocol beside it (STYLE
 * habit 2) and one connection lifecycle that reads best in one place. What decides apart from the lifecycle lives
 * apart: {@link ShardInstruments} (which instruments, what changed), {@link ReconnectPolicy} (when to connect again),
 * {@link ShardGraph} (the connection's stream) and {@link ShardEvents} (what is announced).
 */
public final class FeedShard extends AbstractBehavior<FeedShard.Command> {

    /** Messages to a shard. {@link Start} and {@link Stop} cross nodes. */
    public sealed interface Command extends CborSerializable {}

    /**
     * Run (or keep running) with these instruments. Idempotent: the feed manager re-sends it so that a shard
     * restarted or moved elsewhere resumes.
     *
     * <p>Each instrument comes with its security-master attributes (a companion shard's are feed-wide, keyed by series) ({@code attributes}: instrument → attribute →
     * value, {@link #CATEGORY}, {@link #SERIES}, {@link #EVENT}, {@link #CONDITION_ID}), so that the shard publishes
     * the right subjects on whichever node it runs, without anything else in its JVM (DESIGN §15). It crosses nodes
     * as Jackson CBOR: version 2 added {@code attributes}, and {@link StartMigration} reads a version-1 message of a
     * node not yet upgraded as one without attributes.
     */
    public record Start(
            String feed,
            int index,
            List<String> instruments,
            String companion,
            java.util.Map<String, java.util.Map<String, String>> attributes)
            implements Command {

        /** Kalshi's category as Kalshi writes it ({@code Climate and Weather}). */
        public static final String CATEGORY = "category";
        /** Kalshi's series ticker; Polymarket's Gamma event slug. */
        public static final String SERIES = "series";
        /** Kalshi's event ticker. */
        public static final String EVENT = "event";
        /** Polymarket's condition id (the market both tokens belong to). */
        public static final String CONDITION_ID = "condition_id";

        public Start {
            instruments = List.copyOf(instruments);
            java.util.Map<String, java.util.Map<String, String>> kept = new java.util.HashMap<>();
            if (attributes != null) {
                java.util.Set<String> own = new java.util.HashSet<>(instruments);
                boolean feedWide = companion != null && !companion.isEmpty();
                attributes.forEach((instrument, values) -> {
                    if (values != null && !values.isEmpty() && (feedWide || own.contains(instrument))) {
                        kept.put(instrument, java.util.Map.copyOf(values));
                    }
                });
            }
            attributes = java.util.Map.copyOf(kept);
        }

        /** A shard of instruments, {@code {feed}-{index}}, without attributes. */
        public Start(String feed, int index, List<String> instruments) {
            this(feed, index, instruments, "", java.util.Map.of());
        }

        /** A shard of instruments, {@code {feed}-{index}}, each with its attributes (only those of its instruments). */
        public Start(
                String feed,
                int index,
                List<String> instruments,
                java.util.Map<String, java.util.Map<String, String>> attributes) {
            this(feed, index, instruments, "", attributes);
        }

        /** The feed's companion shard {@code {feed}-{name}} ({@link VenueConnector#companion()}). */
        public static Start companion(String feed, String name) {
            return new Start(feed, -1, List.of(), name, java.util.Map.of());
        }

        /**
         * The companion shard with feed-wide attributes, keyed by what its frames name rather than by instrument
         * (Kalshi's lifecycle channel: each series' category, for markets no shard runs yet).
         */
        public static Start companion(
                String feed, String name, java.util.Map<String, java.util.Map<String, String>> attributes) {
            return new Start(feed, -1, List.of(), name, attributes);
        }

        /** The shard's entity id and subject token. */
        public String shard() {
            return companion.isEmpty() ? io.ssmd.core.subject.Subjects.shard(feed, index) : feed + "-" + companion;
        }

        boolean isCompanion() {
            return !companion.isEmpty();
        }
    }

    /**
     * A shard started without its assignment asks the feed managers for it, on the cluster-wide topic
     * {@link #ASSIGNMENT_TOPIC}: Cluster Sharding restarted a remembered entity (its node was lost, or the cluster
     * restarted), and its manager answers with the {@link Start} it holds rather than at its next periodic re-send.
     */
    public record AssignmentWanted(String shard) implements CborSerializable {}

    /** The topic of {@link AssignmentWanted}. */
    public static final String ASSIGNMENT_TOPIC = "ssmd-feed-assignment-wanted";

    /** How often a shard without its assignment asks again (the topic may not reach the manager yet). */
    static final Duration ASK_ASSIGNMENT_EVERY = Duration.ofSeconds(2);

    /**
     * How the node's shards are remembered (DESIGN §13): Cluster Sharding restarts them after a node loss or a restart,
     * they ask for their assignment on {@code topic}, and one that has none after {@code unassignedTimeout} (its
     * feed no longer runs) passivates, which forgets it.
     */
    public record Remembering(ActorRef<Topic.Command<AssignmentWanted>> topic, Duration unassignedTimeout) {}

    /** Hand-off or shutdown: close the socket, announce {@code disconnected}, stop. */
    public enum Stop implements Command {
        INSTANCE
    }

    /**
     * Renew the connection without a hole (DESIGN §17): a second connection (a new epoch) subscribes the same
     * instruments while the open one keeps publishing; once the new one has a book snapshot of every instrument with a
     * book (its subscriptions acknowledged), the shard switches publishing to it, announces {@code handover} and closes
     * the old one. One connection publishes at a time. The answer comes once the switch is made or the renewal failed;
     * a shard that is not streaming, or already renewing, answers {@code ok = false} at once. Crosses nodes (version 1).
     */
    public record Renew(ActorRef<Renewed> replyTo) implements Command {}

    /**
     * How a {@link Renew} went. Crosses nodes (version 1).
     *
     * @param shard    the shard ({@code kalshi-3})
     * @param ok       whether publishing switched to the new connection; when not, the old one still publishes (or the
     *                 shard was not streaming) and nothing was lost
     * @param oldEpoch the epoch that published before (0 when the shard had no open connection)
     * @param newEpoch the epoch that publishes now when {@code ok}, the failed attempt's otherwise (0 when none was
     *                 opened)
     * @param took     from the {@link Renew} to the switch (or the failure)
     * @param detail   what happened, for people: why a renewal failed
     */
    public record Renewed(String shard, boolean ok, long oldEpoch, long newEpoch, Duration took, String detail)
            implements CborSerializable {}

    /** The renewal's new connection opened, or not. */
    /**
     * The daily cycle's teardown (DESIGN §17): close the connection, announce {@code disconnected} with {@code reason}
     * ({@code scheduled_teardown}) and stay connected to nothing, whatever the feed manager re-sends, until a
     * {@link Resume}. The answer comes once the {@code disconnected} is raised. Crosses nodes (version 1).
     *
     * <p>The stop outlives the instance: one that starts while its shard's newest connection event in the stream is
     * that {@code disconnected} (Cluster Sharding restarting it after its node was lost, a hand-off) starts paused with
     * its reason and connects at a {@link Resume} ({@link EpochFloor}).
     */
    public record Pause(String reason, ActorRef<Paused> replyTo) implements Command {}

    /** Connect again after a {@link Pause}: its {@code connected} ends the teardown's gap. Crosses nodes (version 1). */
    public record Resume(ActorRef<Paused> replyTo) implements Command {}

    /** A shard's answer to {@link Pause} ({@code paused}) or {@link Resume} (not {@code paused}). */
    public record Paused(String shard, boolean paused, String detail) implements CborSerializable {}

    private record RenewConnected(long epoch, WebSocketUpgradeResponse upgrade, Throwable failure) implements Command {}

    /** The renewal's new connection has its books and its subscribes answered: time to switch. */
    private record RenewReady(long epoch) implements Command {}

    /** The renewal's new connection cannot take over (its held books outgrew the bound, or one broke). */
    private record RenewFailed(long epoch, String detail) implements Command {}

    /** The renewal's new connection did not take over within {@code ssmd.connectors.renew.timeout}. */
    private record RenewTimeout(long epoch) implements Command {}

    /** The connection replaced by a renewal has read up to the switch time: close it. */
    private record Retire(long epoch) implements Command {}

    private record Connected(long epoch, WebSocketUpgradeResponse upgrade, Throwable failure) implements Command {}

    /** What the stream says of this shard's last epoch, read before this instance's first connection. */
    private record FloorRead(EpochFloor.Found found) implements Command {}

    private record Ended(long epoch, Throwable failure) implements Command {}

    /** What the connection's stream made of an instrument change ({@code epoch}: of that connection). */
    private record LiveChanged(long epoch, ShardGraph.ChangeTaken taken) implements Command {}

    private enum Reconnect implements Command {
        INSTANCE
    }

    /** A stop whose connection has not drained its publisher within {@link #STOP_DRAIN}: stop without waiting more. */
    private enum StopDrained implements Command {
        INSTANCE
    }

    /**
     * How long a stopping shard waits for its publisher to have the outcome of every message before it announces
     * {@code disconnected} anyway: within the region's shutdown phase (10 s), so the node's shutdown does not wait on
     * a NATS that is unreachable.
     */
    static final Duration STOP_DRAIN = Duration.ofSeconds(7);

    private enum ReportHealth implements Command {
        INSTANCE
    }

    /** Time to ask for the assignment again. */
    private enum AskAssignment implements Command {
        INSTANCE
    }

    /** No assignment came within {@link Remembering#unassignedTimeout()}. */
    private enum Unassigned implements Command {
        INSTANCE
    }

    /** Time for the open connection's {@code alive} control event. */
    private enum Alive implements Command {
        INSTANCE
    }

    /** Look for a stall: the socket answers, but no market data comes (epoch: of the connection it was set for). */
    private record CheckStall(long epoch) implements Command {}

    /** The planned reconnect of {@link FeedDefinition#scheduledReconnect()} for one connection. */
    private record ScheduledReconnect(long epoch) implements Command {}

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ShardRuntime runtime;
    private final String name;
    private final ShardStats stats = new ShardStats();
    private final ReconnectPolicy reconnect;
    private final Optional<Remembering> remembering;
    /** The Pekko shard that runs this entity: a remembered one passivates through it, to be forgotten. */
    private final Optional<ActorRef<org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.ShardCommand>>
            shard;

    private Start assignment;
    /** The reason of a {@link Pause} in force, else null; who waits for its {@code disconnected}. */
    private String paused;

    private final List<ActorRef<Paused>> pausing = new java.util.ArrayList<>();
    private FeedConnector feed;
    private VenueConnector connector;
    private String plannedDisconnect;
    private ShardContext shardContext;
    /** The context the open connection was planned with: what it subscribes once connected. */
    private ShardContext plannedContext;

    private String state = ShardHealth.CONNECTING;
    private ShardGraph.Running running;
    private ShardEvents events;
    /** The open connection's gate: the renewal that replaces it sets where it stops publishing. */
    private PublishGate gate = PublishGate.open();
    /** A renewal under way, else null. */
    private ShardRenewal renewal;
    /** The connection a renewal replaced, until it has read up to the switch and closed; else null. */
    private ShardGraph.Running retiring;

    private long retiringEpoch;
    private long epoch;
    /** Whether the stream's last epoch of this shard is known (or given up on): until then the shard does not connect. */
    private boolean floorKnown;
    /** The stream's last epoch of this shard is being read. */
    private boolean readingFloor;
    /**
     * A {@link Resume} came before the stream was read: the stream's teardown, if it shows one, is over, and the
     * instance connects rather than stay stopped.
     */
    private boolean resumedBeforeFloor;

    private long connectedAtMillis;
    private Long outageSinceMicros;
    private long reconnects;
    private String lastError = "";
    /** Whether the last health report saw the publish window full (for one log line per change). */
    private boolean backpressured;
    /** Stopping: the connection is closed and the shard stops when its stream, publisher included, has completed. */
    private boolean stopping;
    /** How often this shard may resubscribe quiet instruments, across its connections. */
    private ResubscribeBudget resubscribes;

    /** The role of the nodes shards run on. */
    static final String ROLE = "connector";

    /**
     * Registers the entity with Cluster Sharding on this node: each entity a Pekko shard of its own, placed on the
     * least-loaded connector node and never rebalanced (DESIGN §13).
     */
    public static void init(ActorSystem<?> system, ShardRuntime runtime) {
        init(system, runtime, Optional.empty());
    }

    /**
     * As above; with {@code remembering}, Cluster Sharding remembers the entities in the journal (the event-sourced
     * store) and restarts them on a survivor when their node is lost, without waiting for a feed manager's re-send.
     */
    public static void init(ActorSystem<?> system, ShardRuntime runtime, Optional<Remembering> remembering) {
        Entity<Command, org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<Command>> entity = Entity.of(
                        ShardEntityType.get(system).use(runtime.env()),
                        context -> create(context.getEntityId(), runtime, remembering, Optional.of(context.getShard())))
                .withStopMessage(Stop.INSTANCE)
                .withMessageExtractor(new OneShardPerEntity<Command>())
                .withAllocationStrategy(ConnectorAllocation.create(system, ROLE))
                .withRole(ROLE);
        if (remembering.isPresent()) {
            entity = entity.withSettings(org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings.create(system)
                    .withRole(ROLE)
                    .withRememberEntities(true)
                    .withRememberEntitiesStoreMode(org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings
                            .rememberEntitiesStoreModeEventSourced()));
        }
        ClusterSharding.get(system).init(entity);
    }

    public static Behavior<Command> create(String name, ShardRuntime runtime) {
        return create(name, runtime, Optional.empty(), Optional.empty());
    }

    private static Behavior<Command> create(
            String name,
            ShardRuntime runtime,
            Optional<Remembering> remembering,
            Optional<ActorRef<org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.ShardCommand>> shard) {
        return Behaviors.setup(
                ctx -> Behaviors.withTimers(timers -> new FeedShard(ctx, timers, name, runtime, remembering, shard)));
    }

    private FeedShard(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            String name,
            ShardRuntime runtime,
            Optional<Remembering> remembering,
            Optional<ActorRef<org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.ShardCommand>> shard) {
        super(context);
        this.context = context;
        this.timers = timers;
        this.name = name;
        this.runtime = runtime;
        this.remembering = remembering;
        this.shard = shard;
        this.reconnect = new ReconnectPolicy(name);
        timers.startTimerWithFixedDelay(ReportHealth.INSTANCE, runtime.healthInterval());
        timers.startTimerWithFixedDelay(Alive.INSTANCE, runtime.aliveInterval());
        remembering.ifPresent(r -> {
            // Started by a Start (the usual way) this is answered at once; restarted as a remembered entity, it is how
            // the shard gets its instruments back before the manager's next periodic re-send.
            r.topic().tell(Topic.publish(new AssignmentWanted(name)));
            timers.startTimerWithFixedDelay(ASK_TIMER, AskAssignment.INSTANCE, ASK_ASSIGNMENT_EVERY);
            timers.startSingleTimer(UNASSIGNED_TIMER, Unassigned.INSTANCE, r.unassignedTimeout());
        });
    }

    private static final String ASK_TIMER = "ask-assignment";
    private static final String UNASSIGNED_TIMER = "unassigned";

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Start.class, this::onStart)
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .onMessage(Connected.class, this::onConnected)
                .onMessage(FloorRead.class, this::onFloorRead)
                .onMessage(Ended.class, this::onEnded)
                .onMessage(LiveChanged.class, this::onLiveChanged)
                .onMessage(Renew.class, this::onRenew)
                .onMessage(Pause.class, this::onPause)
                .onMessage(Resume.class, this::onResume)
                .onMessage(RenewConnected.class, this::onRenewConnected)
                .onMessage(RenewReady.class, this::onRenewReady)
                .onMessage(RenewFailed.class, this::onRenewFailed)
                .onMessage(RenewTimeout.class, this::onRenewTimeout)
                .onMessage(Retire.class, this::onRetire)
                .onMessageEquals(Reconnect.INSTANCE, this::onReconnect)
                .onMessageEquals(ReportHealth.INSTANCE, this::onReportHealth)
                .onMessageEquals(Alive.INSTANCE, this::onAlive)
                .onMessage(CheckStall.class, this::onCheckStall)
                .onMessage(ScheduledReconnect.class, this::onScheduledReconnect)
                .onMessageEquals(StopDrained.INSTANCE, this::stopped)
                .onMessageEquals(AskAssignment.INSTANCE, this::onAskAssignment)
                .onMessageEquals(Unassigned.INSTANCE, this::onUnassigned)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onStart(Start start) {
        timers.cancel(ASK_TIMER);
        timers.cancel(UNASSIGNED_TIMER);
        if (start.equals(assignment)) {
            return this;
        }
        var found = runtime.feed(start.feed());
        if (found.isEmpty()) {
            context.getLog().error("{}: feed {} is not enabled on this node; the shard stays idle", name, start.feed());
            return this;
        }
        Optional<VenueConnector> chosen = found.get().connectorFor(start.companion());
        if (chosen.isEmpty()) {
            context.getLog()
                    .error(
                            "{}: feed {} has no companion connection '{}'; the shard stays idle",
                            name,
                            start.feed(),
                            start.companion());
            return this;
        }
        if (renewal != null && !start.instruments().equals(renewal.context.instruments())) {
            failRenewal("the shard's instruments changed during the renewal");
        }
        boolean wasRunning = running != null;
        Start previous = assignment;
        assignment = start;
        feed = found.get();
        connector = chosen.get();
        ShardContext previousContext = shardContext;
        stats.keepRejected(start.instruments());
        shardContext = context(start);
        runtime.metrics()
                .marketsSubscribed()
                .labelValues(start.feed(), name)
                .set(start.instruments().size());
        if (paused != null) {
            // Torn down: the new assignment is what the shard subscribes when it resumes.
            return this;
        }
        if (start.instruments().isEmpty() && !start.isCompanion()) {
            // Discovery took every instrument away: close the connection and stay idle until new ones come.
            if (wasRunning) {
                endPlanned("no instruments left");
            }
            return this;
        }
        boolean sameFeed = previous != null && previous.feed().equals(start.feed()) && previousContext != null;
        if (wasRunning && sameFeed && state.equals(ShardHealth.CONNECTING) && running.changesLive()) {
            // Nothing is subscribed yet: once connected, the shard subscribes what it planned and changes the rest
            // on the open connection (onConnected), rather than dropping a connection that never streamed.
            return this;
        }
        if (wasRunning
                && state.equals(ShardHealth.STREAMING)
                && sameFeed
                && changeLive(previousContext.instruments(), shardContext)) {
            return this;
        }
        if (wasRunning) {
            // New instruments: a fresh connection subscribes them all; the old one ends as a planned disconnect.
            endPlanned("instruments changed; reconnecting with the new list");
            return this;
        }
        connect();
        return this;
    }

    /** The shard's context: its instruments as {@link ShardInstruments#admit admitted}, refusals shown in health. */
    private ShardContext context(Start start) {
        ShardInstruments admitted = ShardInstruments.admit(start.instruments());
        admitted.refused().forEach((instrument, reason) -> {
            stats.rejected(instrument, reason);
            context.getLog().error("{}: instrument {} refused: {}", name, instrument, reason);
        });
        return admitted.context(runtime.env(), start.feed(), name, start.attributes());
    }

    /**
     * Queues a frame for the venue. A full queue means the socket has not taken frames for a long while: the frame
     * (a subscribe, say) must not be lost silently, so the connection is restarted, which subscribes everything anew.
     */
    private void send(String frame) {
        if (running != null && running.outbound().offer(frame) != org.apache.pekko.stream.QueueOfferResult.enqueued()) {
            lastError = "outbound queue full or closed: could not send a frame to the venue; reconnecting";
            context.getLog().warn("{}: {}", name, lastError);
            running.killSwitch().abort(new IllegalStateException(lastError));
        }
    }

    /**
     * Hands the change of instruments to the open connection's stream, whose decoding stage makes it between two
     * frames ({@link #onLiveChanged} hears how it went); false when the connection cannot change its instruments, and
     * the caller reconnects with the new list.
     */
    private boolean changeLive(List<String> before, ShardContext after) {
        ShardInstruments.Diff diff = ShardInstruments.diff(before, after.instruments());
        if (!running.changesLive()) {
            // Attributes alone changed: the next connection takes them; new instruments need one now.
            return diff.isEmpty();
        }
        // A full inlet means the stream has not taken a change for a long while: a new connection subscribes the list.
        return running.changes().offer(new ShardGraph.Change(diff, after))
                == org.apache.pekko.stream.QueueOfferResult.enqueued();
    }

    /**
     * Opens a second connection with a new epoch that subscribes the shard's instruments behind a holding
     * {@link PublishGate}, while the open one keeps publishing ({@link ShardRenewal}).
     */
    private Behavior<Command> onRenew(Renew renew) {
        String refusal = renewal != null
                ? "already renewing (new epoch " + renewal.epoch + ")"
                : running == null || stopping || !state.equals(ShardHealth.STREAMING)
                        ? "not connected (" + (stopping ? ShardHealth.STOPPED : state) + "): nothing to renew"
                        : retiring != null ? "the connection the last renewal replaced is still closing" : null;
        if (refusal != null) {
            renew.replyTo().tell(new Renewed(name, false, running == null ? 0 : epoch, 0, Duration.ZERO, refusal));
            return this;
        }
        long newEpoch = nextEpoch();
        ActorRef<Command> self = context.getSelf();
        PublishGate holding = PublishGate.holding(
                new PublishGate.Listener() {
                    @Override
                    public void ready() {
                        self.tell(new RenewReady(newEpoch));
                    }

                    @Override
                    public void failed(String detail) {
                        self.tell(new RenewFailed(newEpoch, detail));
                    }
                },
                connector.booksOnSubscribe(),
                connector.keepalive().isPresent(),
                runtime.renew().maxHeld(),
                shardContext.instruments().stream()
                        .filter(i -> !stats.rejectedInstruments().containsKey(i))
                        .toList());
        renewal = new ShardRenewal(
                renew.replyTo(),
                epoch,
                newEpoch,
                shardContext,
                new ShardEvents(shardContext, newEpoch, runtime),
                holding);
        ShardRenewal.LOG.info(
                "{}: renewing its connection: epoch {} opens beside epoch {}, which publishes until the switch",
                name,
                newEpoch,
                epoch);
        try {
            renewal.running = ShardGraph.run(
                    context.getSystem(),
                    plan(shardContext, newEpoch, holding),
                    runtime,
                    stats,
                    renewal.events,
                    taken -> self.tell(new LiveChanged(newEpoch, taken)));
        } catch (RuntimeException e) {
            failRenewal("the new connection did not start: " + e);
            return this;
        }
        context.pipeToSelf(
                renewal.running.upgrade(), (upgrade, failure) -> new RenewConnected(newEpoch, upgrade, failure));
        context.pipeToSelf(renewal.running.done(), (ok, failure) -> new Ended(newEpoch, failure));
        timers.startSingleTimer(
                RENEW_TIMER, new RenewTimeout(newEpoch), runtime.renew().timeout());
        return this;
    }

    private static final String RENEW_TIMER = "renew-timeout";

    private boolean renewing(long candidateEpoch) {
        return renewal != null && renewal.epoch == candidateEpoch;
    }

    private Behavior<Command> onRenewConnected(RenewConnected connected) {
        if (!renewing(connected.epoch())) {
            return this;
        }
        if (connected.failure() != null || !connected.upgrade().isValid()) {
            failRenewal(ShardRenewal.refused(
                    connected.failure() != null
                            ? connected.failure().toString()
                            : "handshake refused: " + connected.upgrade().invalidationReason()));
            return this;
        }
        renewal.connected = true;
        List<String> frames = new java.util.ArrayList<>(connector.subscribe(renewal.context.instruments()));
        // The probe: a venue answers in order, so its answer comes after every subscribe's.
        connector.keepalive().ifPresent(frames::add);
        for (String frame : frames) {
            if (renewal.running.outbound().offer(frame) != org.apache.pekko.stream.QueueOfferResult.enqueued()) {
                failRenewal("the new connection's outbound queue is full or closed");
                return this;
            }
        }
        return this;
    }

    /**
     * The switch: the open connection publishes what it received before the switch time and the new one what it
     * received from then on, its held books first; {@code handover} marks it; the old connection closes once it has
     * read up to the switch time.
     */
    private Behavior<Command> onRenewReady(RenewReady ready) {
        if (!renewing(ready.epoch()) || running == null) {
            return this;
        }
        ShardRenewal done = renewal;
        renewal = null;
        timers.cancel(RENEW_TIMER);
        long switchAt = EpochMicros.now() + ShardRenewal.SWITCH_AHEAD.toNanos() / 1000;
        gate.publishUntil(switchAt);
        done.gate.publishFrom(switchAt);
        if (EpochMicros.now() >= switchAt) {
            ShardRenewal.LOG.warn(
                    "{}: the switch was set late (the node is very busy): frames received around it may be published"
                            + " by both connections",
                    name);
        }
        done.events.handover(done.oldEpoch, switchAt, "connection renewed");
        retiring = running;
        retiringEpoch = epoch;
        running = done.running;
        epoch = done.epoch;
        events = done.events;
        gate = done.gate;
        plannedContext = done.context;
        connectedAtMillis = System.currentTimeMillis();
        timers.cancel("stall");
        timers.cancel("scheduled");
        startConnectionTimers();
        timers.startSingleTimer(new Retire(retiringEpoch), ShardRenewal.SWITCH_AHEAD.multipliedBy(2));
        ShardRenewal.LOG.info(
                "{}: switched to epoch {} after {} ms ({} messages of its own from before the switch dropped so far:"
                        + " the old connection published them)",
                name,
                epoch,
                done.took().toMillis(),
                done.gate.dropped());
        done.replyTo.tell(new Renewed(name, true, done.oldEpoch, done.epoch, done.took(), "switched at " + switchAt));
        // Instruments that changed during the renewal: the new connection subscribed the list of its start.
        if (!plannedContext.instruments().equals(shardContext.instruments())
                && !changeLive(plannedContext.instruments(), shardContext)) {
            endPlanned("instruments changed; reconnecting with the new list");
        }
        return this;
    }

    private Behavior<Command> onRenewFailed(RenewFailed failed) {
        if (renewing(failed.epoch())) {
            failRenewal(failed.detail());
        }
        return this;
    }

    private Behavior<Command> onRenewTimeout(RenewTimeout timeout) {
        if (renewing(timeout.epoch())) {
            failRenewal("the new connection did not take over within "
                    + runtime.renew().timeout().toSeconds() + " s (ssmd.connectors.renew.timeout): waiting for "
                    + (renewal.connected ? renewal.gate.waitingFor() : "its handshake"));
        }
        return this;
    }

    private Behavior<Command> onRetire(Retire retire) {
        if (retiring != null && retire.epoch() == retiringEpoch) {
            retiring.killSwitch().shutdown();
        }
        return this;
    }

    private void failRenewal(String detail) {
        ShardRenewal failed = renewal;
        renewal = null;
        timers.cancel(RENEW_TIMER);
        failed.fail(name, detail);
    }

    private Behavior<Command> onLiveChanged(LiveChanged changed) {
        if (changed.epoch() != epoch || running == null) {
            return this;
        }
        ShardGraph.Change change = changed.taken().change();
        if (!changed.taken().made()) {
            context.getLog().info("{}: the open connection cannot change its instruments yet; reconnecting", name);
            endPlanned("instruments changed; reconnecting with the new list");
            return this;
        }
        // Control events of this connection name its instruments as they are now.
        events = new ShardEvents(change.after(), epoch, runtime);
        context.getLog()
                .info(
                        "{}: {} instruments added, {} removed on the open connection",
                        name,
                        change.diff().added().size(),
                        change.diff().removed().size());
        return this;
    }

    private void connect() {
        if (!floorKnown) {
            readFloor();
            return;
        }
        plannedContext = shardContext;
        epoch = nextEpoch();
        state = ShardHealth.CONNECTING;
        stats.connectionStarted();
        FeedDefinition definition = feed.feed().definition();
        if (resubscribes == null) {
            resubscribes = new ResubscribeBudget(definition.liveness());
        }
        gate = PublishGate.open();
        ShardGraph.Plan plan = plan(shardContext, epoch, gate);
        events = new ShardEvents(shardContext, epoch, runtime);
        long thisEpoch = epoch;
        ActorRef<Command> self = context.getSelf();
        try {
            running = ShardGraph.run(
                    context.getSystem(),
                    plan,
                    runtime,
                    stats,
                    events,
                    taken -> self.tell(new LiveChanged(thisEpoch, taken)));
        } catch (RuntimeException e) {
            context.getSelf().tell(new Ended(thisEpoch, e));
            return;
        }
        context.pipeToSelf(running.upgrade(), (upgrade, failure) -> new Connected(thisEpoch, upgrade, failure));
        CompletionStage<?> done = running.done();
        context.pipeToSelf(done, (ok, failure) -> new Ended(thisEpoch, failure));
    }

    /**
     * A new connection's epoch: this host's clock, and past every epoch of this shard so far: this instance's and,
     * through {@link #epoch} starting at the stream's last ({@link #onFloorRead}), those of the shard's instances on
     * other nodes, whose clocks may run ahead of this one's.
     */
    private long nextEpoch() {
        return Math.max(EpochMicros.now(), epoch + 1);
    }

    /**
     * The instance's first connection waits for the stream's last epoch of this shard (DESIGN §13): a shard moved to a
     * host whose clock is behind the old one's must still start an epoch above the old connection's. Bounded by
     * {@code transport.publish.ack-timeout}, the wait of one publish: NATS unreachable at start does not keep the shard
     * from its venue. The same read says whether a teardown stopped the shard: then the instance stays stopped.
     */
    private void readFloor() {
        state = ShardHealth.CONNECTING;
        if (readingFloor) {
            return;
        }
        readingFloor = true;
        context.pipeToSelf(
                EpochFloor.read(
                        runtime.jetStream(),
                        runtime.env(),
                        assignment.feed(),
                        name,
                        runtime.publisher().ackTimeout(),
                        context.getSystem()
                                .dispatchers()
                                .lookup(org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(
                                        "ssmd-blocking-dispatcher"))),
                (found, failure) -> new FloorRead(
                        failure == null
                                ? found
                                : new EpochFloor.Found(
                                        0, Optional.empty(), Optional.of(String.valueOf(failure.getMessage())))));
    }

    private Behavior<Command> onFloorRead(FloorRead read) {
        readingFloor = false;
        floorKnown = true;
        EpochFloor.Found found = read.found();
        epoch = Math.max(epoch, found.lastEpoch());
        long now = EpochMicros.now();
        if (found.problem().isPresent()) {
            context.getLog()
                    .warn(
                            "{}: could not check the last connection epoch of this shard in its stream ({}); its epoch"
                                    + " is this host's clock. If the shard last ran on a node whose clock is ahead of"
                                    + " this one's, the archive takes this connection's events for late ones of the"
                                    + " old connection and the hand-off's hole stays open: keep the nodes' clocks in"
                                    + " sync (docs/deploy.md). Nor could it check whether the shard is stopped (the"
                                    + " daily cycle's teardown, ssmd ops stop): it connects, even if the cluster is"
                                    + " stopped",
                            name,
                            found.problem().get());
        } else if (found.stopped().isPresent() && paused == null && !resumedBeforeFloor) {
            // Its connection was closed by a teardown that no Resume has ended yet: the instance that ran it is gone
            // (its node lost, or it left), and this one starts as that one stays, stopped until a Resume.
            paused = found.stopped().get();
            state = ShardHealth.STOPPED;
            lastError = "stopped: " + paused;
            context.getLog()
                    .info(
                            "{}: its last connection (epoch {}) was closed by a {} and not resumed since: it stays"
                                    + " stopped until a Resume (ssmd ops start)",
                            name,
                            found.lastEpoch(),
                            paused);
            return this;
        } else if (found.lastEpoch() >= now) {
            context.getLog()
                    .info(
                            "{}: its last epoch in the stream, {}, is {} ms ahead of this host's clock (the node it ran"
                                    + " on before runs ahead): this connection's epoch follows it",
                            name,
                            found.lastEpoch(),
                            (found.lastEpoch() - now) / 1000);
        }
        return onReconnect();
    }

    /** The settings of one connection of this shard. */
    private ShardGraph.Plan plan(ShardContext planned, long connectionEpoch, PublishGate publishGate) {
        FeedDefinition definition = feed.feed().definition();
        return new ShardGraph.Plan(
                connector,
                planned,
                connectionEpoch,
                definition.silenceTimeout(),
                definition.pingInterval(),
                definition.maxFrameBytes(),
                runtime.publisher(),
                definition.liveness(),
                resubscribes,
                publishGate);
    }

    private Behavior<Command> onConnected(Connected connected) {
        if (connected.epoch() != epoch || running == null) {
            return this;
        }
        if (connected.failure() != null || !connected.upgrade().isValid()) {
            lastError = connected.failure() != null
                    ? connected.failure().toString()
                    : "handshake refused: " + connected.upgrade().invalidationReason();
            running.killSwitch().abort(new IllegalStateException(lastError));
            return this;
        }
        state = ShardHealth.STREAMING;
        connectedAtMillis = System.currentTimeMillis();
        connectedGauge(1);
        events.connected(outageSinceMicros);
        outageSinceMicros = null;
        for (String frame : connector.subscribe(plannedContext.instruments())) {
            send(frame);
        }
        // Instruments that changed while connecting: changed on the connection just opened.
        if (!plannedContext.instruments().equals(shardContext.instruments())
                && !changeLive(plannedContext.instruments(), shardContext)) {
            endPlanned("instruments changed; reconnecting with the new list");
        }
        startConnectionTimers();
        return this;
    }

    /** The stall check and the scheduled reconnect of the connection that publishes now. */
    private void startConnectionTimers() {
        FeedDefinition definition = feed.feed().definition();
        definition
                .dataSilenceTimeout()
                .ifPresent(timeout -> timers.startTimerWithFixedDelay(
                        "stall", new CheckStall(epoch), ReconnectPolicy.stallCheckEvery(timeout)));
        definition
                .scheduledReconnect()
                .ifPresent(interval -> timers.startSingleTimer(
                        "scheduled",
                        new ScheduledReconnect(epoch),
                        ReconnectPolicy.scheduledDelay(interval, assignment.index())));
    }

    private Behavior<Command> onCheckStall(CheckStall check) {
        Optional<Duration> timeout =
                feed == null ? Optional.empty() : feed.feed().definition().dataSilenceTimeout();
        if (check.epoch() != epoch
                || running == null
                || !state.equals(ShardHealth.STREAMING)
                || timeout.isEmpty()
                || shardContext.instruments().isEmpty()) {
            return this;
        }
        if (running.backpressure().backpressured()) {
            // The socket is not read while the publish window is full: no data is no sign of a stall then.
            return this;
        }
        long silenceMs = Math.min(stats.dataSilenceMs(), running.backpressure().sinceDrainedMs());
        Optional<String> stall = ReconnectPolicy.stall(timeout.get(), silenceMs);
        if (stall.isPresent()) {
            lastError = stall.get();
            context.getLog().warn("{}: {}; reconnecting", name, lastError);
            running.killSwitch().abort(new IllegalStateException(lastError));
        }
        return this;
    }

    private Behavior<Command> onScheduledReconnect(ScheduledReconnect scheduled) {
        if (scheduled.epoch() == epoch && running != null && state.equals(ShardHealth.STREAMING)) {
            context.getLog().info("{}: scheduled reconnect", name);
            endPlanned("scheduled reconnect (reconnect.scheduled-interval)");
        }
        return this;
    }

    private Behavior<Command> onEnded(Ended ended) {
        if (renewing(ended.epoch())) {
            String why = ended.failure() != null ? ended.failure().toString() : "the venue closed it";
            // Its stream may end (a refused handshake fails it) before the handshake's own answer comes in.
            failRenewal(
                    renewal.connected
                            ? "the new connection ended before it took over: " + why
                            : ShardRenewal.refused(why));
            return this;
        }
        if (retiring != null && ended.epoch() == retiringEpoch) {
            // The connection a renewal replaced has published what it read before the switch: no disconnected, the
            // handover said it all.
            retiring.backpressure().connectionEnded();
            retiring = null;
            return this;
        }
        if (ended.epoch() != epoch) {
            return this;
        }
        if (renewal != null) {
            failRenewal("the open connection ended during the renewal; the shard reconnects");
        }
        if (stopping) {
            return stopped();
        }
        boolean wasStreaming = state.equals(ShardHealth.STREAMING);
        String planned = plannedDisconnect;
        plannedDisconnect = null;
        timers.cancel("stall");
        timers.cancel("scheduled");
        String reason = ended.failure() != null
                ? ended.failure().getMessage()
                : planned != null ? planned : "the venue closed the connection";
        if (ended.failure() != null && reason == null) {
            reason = ended.failure().toString();
        }
        lastError = reason;
        running.backpressure().connectionEnded();
        running = null;
        connectedGauge(0);
        events.disconnected(reason);
        if (paused != null) {
            state = ShardHealth.STOPPED;
            lastError = "stopped: " + paused;
            answerPausing();
            return this;
        }
        if (outageSinceMicros == null) {
            outageSinceMicros = EpochMicros.now();
        }
        // A disconnect ssmd chose (new instruments, a scheduled reconnect) is no failure: reconnect at once.
        FeedDefinition definition = feed.feed().definition();
        Duration delay = reconnect.afterEnd(
                new Backoff(
                        definition.reconnectMinBackoff(),
                        definition.reconnectMaxBackoff(),
                        definition.reconnectJitter()),
                planned != null && ended.failure() == null,
                wasStreaming ? System.currentTimeMillis() - connectedAtMillis : 0);
        reconnects++;
        if (assignment.instruments().isEmpty() && !assignment.isCompanion()) {
            state = ShardHealth.STOPPED;
            return this;
        }
        runtime.metrics().reconnects().labelValues(shardContext.feed(), name).inc();
        if (planned == null) {
            // A disconnect ssmd chose is no error: errors_total counts the venue's and the network's.
            runtime.metrics()
                    .errors()
                    .labelValues(shardContext.feed(), name, ConnectorMetrics.ERROR_CONNECTION)
                    .inc();
        }
        state = ShardHealth.BACKOFF;
        timers.startSingleTimer(Reconnect.INSTANCE, delay);
        return this;
    }

    private Behavior<Command> onAskAssignment() {
        if (assignment == null) {
            remembering.ifPresent(r -> r.topic().tell(Topic.publish(new AssignmentWanted(name))));
        }
        return this;
    }

    /**
     * A remembered shard whose feed no manager runs (the environment dropped it, or renamed the feed): it passivates,
     * which makes Cluster Sharding forget it, rather than idle on every restart as a ghost.
     */
    private Behavior<Command> onUnassigned() {
        if (assignment != null) {
            return this;
        }
        timers.cancel(ASK_TIMER);
        context.getLog()
                .warn(
                        "{}: no feed manager assigned this shard within {} s of its start (its feed no longer runs?);"
                                + " stopping it for good",
                        name,
                        remembering.map(r -> r.unassignedTimeout().toSeconds()).orElse(0L));
        if (shard.isPresent()) {
            shard.get()
                    .tell(new org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.Passivate<>(
                            context.getSelf()));
            return this;
        }
        return stopped();
    }

    private Behavior<Command> onPause(Pause pause) {
        if (stopping) {
            pause.replyTo().tell(new Paused(name, false, "the shard is stopping"));
            return this;
        }
        pausing.add(pause.replyTo());
        if (paused != null) {
            if (running == null || plannedDisconnect == null) {
                answerPausing();
            }
            return this;
        }
        paused = pause.reason();
        timers.cancel(Reconnect.INSTANCE);
        timers.cancel("stall");
        timers.cancel("scheduled");
        if (renewal != null) {
            failRenewal("the shard is torn down (" + paused + ")");
        }
        if (running != null) {
            // Its disconnected, with the reason, is raised once the stream has completed (onEnded), then answered.
            endPlanned(paused);
            return this;
        }
        state = ShardHealth.STOPPED;
        lastError = "stopped: " + paused;
        answerPausing();
        return this;
    }

    private void answerPausing() {
        String detail = "epoch " + epoch + " closed: " + paused;
        pausing.forEach(replyTo -> replyTo.tell(new Paused(name, true, detail)));
        pausing.clear();
    }

    private Behavior<Command> onResume(Resume resume) {
        if (paused == null && !floorKnown) {
            // Still reading the stream: a Resume now ends whatever stop the stream may show.
            resumedBeforeFloor = true;
        }
        if (paused == null) {
            resume.replyTo().tell(new Paused(name, false, "not paused: " + state));
            return this;
        }
        if (running != null) {
            resume.replyTo().tell(new Paused(name, true, "still closing its connection"));
            return this;
        }
        paused = null;
        lastError = "";
        if (assignment != null && (!assignment.instruments().isEmpty() || assignment.isCompanion())) {
            connect();
        }
        resume.replyTo().tell(new Paused(name, false, "connecting (epoch " + epoch + ")"));
        return this;
    }

    /** Ends the open connection as a disconnect ssmd chose, for this reason: the shard reconnects at once. */
    private void endPlanned(String reason) {
        plannedDisconnect = reason;
        running.killSwitch().shutdown();
    }

    private void connectedGauge(int connected) {
        runtime.metrics()
                .websocketConnected()
                .labelValues(shardContext.feed(), name)
                .set(connected);
    }

    private Behavior<Command> onReconnect() {
        if (paused == null
                && running == null
                && assignment != null
                && (!assignment.instruments().isEmpty() || assignment.isCompanion())) {
            connect();
        }
        return this;
    }

    private Behavior<Command> onReportHealth() {
        if (assignment != null) {
            noteBackpressure();
            runtime.metrics()
                    .idleSeconds()
                    .labelValues(shardContext.feed(), name)
                    .set(stats.idleSeconds());
            runtime.healthTopic().tell(Topic.publish(health()));
        }
        return this;
    }

    /** Logs when the open connection's publish window fills and drains, as health reports see it. */
    private void noteBackpressure() {
        boolean now = running != null && running.backpressure().backpressured();
        if (now != backpressured) {
            backpressured = now;
            if (now) {
                context.getLog()
                        .warn(
                                "{}: publish window full (NATS slow or unreachable): the venue socket is kept but not"
                                        + " read until NATS takes messages again",
                                name);
            } else {
                context.getLog().info("{}: publish window no longer full; reading the venue socket again", name);
            }
        }
    }

    /** The state health shows: a streaming connection whose publish window is full is {@code backpressured}. */
    private String reportedState() {
        return state.equals(ShardHealth.STREAMING)
                        && running != null
                        && running.backpressure().backpressured()
                ? ShardHealth.BACKPRESSURED
                : state;
    }

    /** Only a streaming connection is alive: between connections the last event is its {@code disconnected}. */
    private Behavior<Command> onAlive() {
        if (running != null && state.equals(ShardHealth.STREAMING)) {
            events.alive();
        }
        return this;
    }

    /**
     * Closes the socket and stops once the connection's stream has completed: its publisher has then the outcome of
     * every message taken from the venue, so {@code disconnected} is announced after the connection's last message,
     * and before the node flushes and closes its control events (DESIGN §2 shutdown order).
     */
    private Behavior<Command> onStop() {
        if (shardContext != null) {
            connectedGauge(0);
        }
        if (running == null || stopping) {
            return running == null ? stopped() : this;
        }
        stopping = true;
        state = ShardHealth.STOPPED;
        timers.cancelAll();
        if (renewal != null) {
            failRenewal("the shard is stopping");
        }
        if (retiring != null) {
            retiring.killSwitch().shutdown();
        }
        running.killSwitch().shutdown();
        timers.startSingleTimer(StopDrained.INSTANCE, STOP_DRAIN);
        return this;
    }

    /**
     * Announces the end of the connection, as a hand-off when another connector node will take the shard
     * ({@link StopCause}), and stops. A handed-off shard addresses its own assignment to itself through this node's
     * region: the region has already forgotten where the shard lives (the coordinator's hand-off began with that), so it
     * holds the message, asks the coordinator for the shard's new home, which it gets as soon as the shard has stopped
     * here, and forwards it there; the region does not finish its own shutdown while it holds a message. The shard
     * thus starts on its new node at once rather than at the feed manager's next re-send.
     */
    private Behavior<Command> stopped() {
        String cause = StopCause.of(context.getSystem(), ROLE);
        if (running != null) {
            running.backpressure().connectionEnded();
            running = null;
            events.disconnected(cause);
        }
        state = ShardHealth.STOPPED;
        lastError = "stopped: " + cause;
        onReportHealth();
        if (cause.equals(io.ssmd.core.nats.ControlEvent.REASON_HANDOFF) && assignment != null) {
            context.getLog().info("{}: handed off; it starts again on another connector node", name);
            ref(context.getSystem(), name).tell(assignment);
        }
        return Behaviors.stopped();
    }

    private Behavior<Command> onPostStop() {
        if (running != null) {
            running.killSwitch().shutdown();
        }
        if (renewal != null) {
            failRenewal("the shard stopped");
        }
        if (retiring != null) {
            retiring.killSwitch().shutdown();
        }
        return this;
    }

    ShardHealth health() {
        return new ShardHealth(
                assignment.feed(),
                name,
                runtime.node(),
                reportedState(),
                state.equals(ShardHealth.STREAMING) ? connectedAtMillis : 0,
                stats.lastMessageAgeMs(),
                stats.messages(),
                reconnects,
                assignment.instruments(),
                stats.rejectedInstruments(),
                lastError,
                System.currentTimeMillis());
    }

    /** The address of a shard entity. */
    public static org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Command> ref(
            ActorSystem<?> system, String shard) {
        return ClusterSharding.get(system)
                .entityRefFor(ShardEntityType.get(system).key(), shard);
    }
}
