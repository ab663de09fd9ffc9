package io.ssmd.core.shard;

import io.ssmd.core.Backoff;
import io.ssmd.core.CborSerializable;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.nats.EpochMicros;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;

/**
 * One venue connection and its instruments: a Cluster Sharding entity named {@code {feed}-{n}} (DESIGN §2). It runs
 * the {@link ShardGraph} and, when the graph ends for any reason, announces {@code disconnected} and reconnects
 * after an exponential backoff with jitter: this shard only, never its siblings, never the process.
 *
 * <p>The reconnect loop is the actor's rather than a {@code RestartSource}'s because each attempt is a new
 * connection with an epoch of its own (message ids, control events) and health must show the backoff state.
 */
public final class FeedShard extends AbstractBehavior<FeedShard.Command> {

    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "FeedShard");

    /** Messages to a shard. {@link Start} and {@link Stop} cross nodes. */
    public sealed interface Command extends CborSerializable {}

    /**
     * Run (or keep running) with these instruments. Idempotent: the feed manager re-sends it so that a shard
     * restarted or moved elsewhere resumes.
     */
    public record Start(String feed, int index, List<String> instruments, String companion) implements Command {
        public Start {
            instruments = List.copyOf(instruments);
        }

        /** A shard of instruments, {@code {feed}-{index}}. */
        public Start(String feed, int index, List<String> instruments) {
            this(feed, index, instruments, "");
        }

        /** The feed's companion shard {@code {feed}-{name}} ({@link VenueConnector#companion()}). */
        public static Start companion(String feed, String name) {
            return new Start(feed, -1, List.of(), name);
        }

        /** The shard's entity id and subject token. */
        public String shard() {
            return companion.isEmpty() ? io.ssmd.core.subject.Subjects.shard(feed, index) : feed + "-" + companion;
        }

        boolean isCompanion() {
            return !companion.isEmpty();
        }
    }

    /** Hand-off or shutdown: close the socket, announce {@code disconnected}, stop. */
    public enum Stop implements Command {
        INSTANCE
    }

    private record Connected(long epoch, WebSocketUpgradeResponse upgrade, Throwable failure) implements Command {}

    private record Ended(long epoch, Throwable failure) implements Command {}

    private enum Reconnect implements Command {
        INSTANCE
    }

    private enum ReportHealth implements Command {
        INSTANCE
    }

    /** Look for a stall: the socket answers, but no market data comes (epoch: of the connection it was set for). */
    private record CheckStall(long epoch) implements Command {}

    /** The planned reconnect of {@link FeedDefinition#scheduledReconnect()} for one connection. */
    private record ScheduledReconnect(long epoch) implements Command {}

    /** The stagger of scheduled reconnects: shard n goes at interval × (1 − ½·frac(n·φ)), spread evenly. */
    private static final double GOLDEN = 0.6180339887498949;

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ShardRuntime runtime;
    private final String name;
    private final ShardStats stats = new ShardStats();
    private final SplittableRandom random;
    private Start assignment;
    private FeedConnector feed;
    private VenueConnector connector;
    private String plannedDisconnect;
    private ShardContext shardContext;
    private String state = ShardHealth.CONNECTING;
    private ShardGraph.Running running;
    private ShardEvents events;
    private long epoch;
    private long connectedAtMillis;
    private Long outageSinceMicros;
    private int attempt;
    private long reconnects;
    private String lastError = "";

    /** Registers the entity with Cluster Sharding on this node. */
    public static void init(ActorSystem<?> system, ShardRuntime runtime) {
        ClusterSharding.get(system)
                .init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), runtime))
                        .withStopMessage(Stop.INSTANCE)
                        .withRole("connector"));
    }

    public static Behavior<Command> create(String name, ShardRuntime runtime) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new FeedShard(ctx, timers, name, runtime)));
    }

    private FeedShard(
            ActorContext<Command> context, TimerScheduler<Command> timers, String name, ShardRuntime runtime) {
        super(context);
        this.context = context;
        this.timers = timers;
        this.name = name;
        this.runtime = runtime;
        this.random = new SplittableRandom(name.hashCode() ^ System.nanoTime());
        timers.startTimerWithFixedDelay(ReportHealth.INSTANCE, runtime.healthInterval());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Start.class, this::onStart)
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .onMessage(Connected.class, this::onConnected)
                .onMessage(Ended.class, this::onEnded)
                .onMessageEquals(Reconnect.INSTANCE, this::onReconnect)
                .onMessageEquals(ReportHealth.INSTANCE, this::onReportHealth)
                .onMessage(CheckStall.class, this::onCheckStall)
                .onMessage(ScheduledReconnect.class, this::onScheduledReconnect)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onStart(Start start) {
        if (start.equals(assignment)) {
            return this;
        }
        var found = runtime.feed(start.feed());
        if (found.isEmpty()) {
            context.getLog().error("{}: feed {} is not enabled on this node; the shard stays idle", name, start.feed());
            return this;
        }
        Optional<VenueConnector> chosen = start.isCompanion()
                ? found.get()
                        .connector()
                        .companion()
                        .filter(c -> c.name().equals(start.companion()))
                        .map(VenueConnector.Companion::connector)
                : Optional.of(found.get().connector());
        if (chosen.isEmpty()) {
            context.getLog()
                    .error(
                            "{}: feed {} has no companion connection '{}'; the shard stays idle",
                            name,
                            start.feed(),
                            start.companion());
            return this;
        }
        boolean wasRunning = running != null;
        Start previous = assignment;
        assignment = start;
        feed = found.get();
        connector = chosen.get();
        ShardContext previousContext = shardContext;
        shardContext = context(start);
        runtime.metrics()
                .marketsSubscribed()
                .labelValues(start.feed(), name)
                .set(start.instruments().size());
        if (start.instruments().isEmpty() && !start.isCompanion()) {
            // Discovery took every instrument away: close the connection and stay idle until new ones come.
            if (wasRunning) {
                plannedDisconnect = "no instruments left";
                running.killSwitch().shutdown();
            }
            return this;
        }
        if (wasRunning
                && state.equals(ShardHealth.STREAMING)
                && previous != null
                && previous.feed().equals(start.feed())
                && previousContext != null
                && changeLive(previousContext.instruments(), shardContext.instruments())) {
            // Control events of this connection name its instruments as they are now.
            events = new ShardEvents(shardContext, epoch, runtime);
            return this;
        }
        if (wasRunning) {
            // New instruments: a fresh connection subscribes them all; the old one ends as a planned disconnect.
            plannedDisconnect = "instruments changed; reconnecting with the new list";
            running.killSwitch().shutdown();
            return this;
        }
        connect();
        return this;
    }

    /**
     * The shard's context. Instruments from discovery or lifecycle events were never checked at startup: one whose
     * subject token another already has would make their messages indistinguishable, so it is refused (shown in
     * health and the log) and the others run, rather than the whole shard failing on every assignment.
     */
    private ShardContext context(Start start) {
        java.util.Map<String, String> tokens = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> byToken = new java.util.HashMap<>();
        List<String> kept = new java.util.ArrayList<>();
        for (String instrument : start.instruments()) {
            String token = io.ssmd.core.subject.Subjects.token(instrument);
            String other = byToken.putIfAbsent(token, instrument);
            if (other != null && !other.equals(instrument)) {
                String reason = "subject token '" + token + "' is already " + other + "'s: not subscribed";
                stats.rejected(instrument, reason);
                context.getLog().error("{}: instrument {} refused: {}", name, instrument, reason);
                continue;
            }
            if (tokens.putIfAbsent(instrument, token) == null) {
                kept.add(instrument);
            }
        }
        return new ShardContext(runtime.env(), start.feed(), name, kept, tokens);
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
     * Subscribes what was added and unsubscribes what was removed on the open connection, when the venue can;
     * false when it cannot, and the caller reconnects with the new list.
     */
    private boolean changeLive(List<String> before, List<String> after) {
        List<String> added = after.stream().filter(i -> !before.contains(i)).toList();
        List<String> removed = before.stream().filter(i -> !after.contains(i)).toList();
        if (added.isEmpty() && removed.isEmpty()) {
            return true;
        }
        Optional<List<String>> frames = running.decoding().change(added, removed);
        if (frames.isEmpty()) {
            return false;
        }
        frames.get().forEach(this::send);
        context.getLog()
                .info(
                        "{}: {} instruments added, {} removed on the open connection",
                        name,
                        added.size(),
                        removed.size());
        return true;
    }

    private void connect() {
        epoch = Math.max(EpochMicros.now(), epoch + 1);
        state = ShardHealth.CONNECTING;
        stats.connectionStarted();
        FeedDefinition definition = feed.feed().definition();
        ShardGraph.Plan plan = new ShardGraph.Plan(
                connector,
                shardContext,
                epoch,
                definition.silenceTimeout(),
                definition.pingInterval(),
                definition.maxFrameBytes(),
                runtime.publisher());
        events = new ShardEvents(shardContext, epoch, runtime);
        long thisEpoch = epoch;
        try {
            running = ShardGraph.run(context.getSystem(), plan, runtime, stats, events);
        } catch (RuntimeException e) {
            context.getSelf().tell(new Ended(thisEpoch, e));
            return;
        }
        context.pipeToSelf(running.upgrade(), (upgrade, failure) -> new Connected(thisEpoch, upgrade, failure));
        CompletionStage<?> done = running.done();
        context.pipeToSelf(done, (ok, failure) -> new Ended(thisEpoch, failure));
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
        runtime.metrics()
                .websocketConnected()
                .labelValues(shardContext.feed(), name)
                .set(1);
        events.connected(outageSinceMicros);
        outageSinceMicros = null;
        for (String frame : connector.subscribe(shardContext.instruments())) {
            send(frame);
        }
        FeedDefinition definition = feed.feed().definition();
        definition
                .dataSilenceTimeout()
                .ifPresent(timeout ->
                        timers.startTimerWithFixedDelay("stall", new CheckStall(epoch), stallCheckEvery(timeout)));
        definition
                .scheduledReconnect()
                .ifPresent(interval -> timers.startSingleTimer(
                        "scheduled", new ScheduledReconnect(epoch), scheduledDelay(interval, assignment.index())));
        return this;
    }

    /** A quarter of the timeout, at most a second: a stall is found within 1.25 × the timeout. */
    private static Duration stallCheckEvery(Duration timeout) {
        Duration quarter = timeout.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : quarter;
    }

    /** Shard n reconnects after interval × (1 − ½·frac((n + 1)·φ)): the shards of a feed never go together. */
    static Duration scheduledDelay(Duration interval, int index) {
        double spread = ((index + 1) * GOLDEN) % 1.0;
        return Duration.ofMillis((long) (interval.toMillis() * (1.0 - 0.5 * Math.abs(spread))));
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
        long silent = stats.dataSilenceMs();
        if (silent > timeout.get().toMillis()) {
            lastError = "stalled: no market data for " + silent + " ms although the connection answers (data-silence"
                    + " watchdog, " + timeout.get().toMillis() + " ms)";
            context.getLog().warn("{}: {}; reconnecting", name, lastError);
            running.killSwitch().abort(new IllegalStateException(lastError));
        }
        return this;
    }

    private Behavior<Command> onScheduledReconnect(ScheduledReconnect scheduled) {
        if (scheduled.epoch() == epoch && running != null && state.equals(ShardHealth.STREAMING)) {
            plannedDisconnect = "scheduled reconnect (reconnect.scheduled-interval)";
            context.getLog().info("{}: {}", name, plannedDisconnect);
            running.killSwitch().shutdown();
        }
        return this;
    }

    private Behavior<Command> onEnded(Ended ended) {
        if (ended.epoch() != epoch) {
            return this;
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
        running = null;
        runtime.metrics()
                .websocketConnected()
                .labelValues(shardContext.feed(), name)
                .set(0);
        events.disconnected(reason);
        if (outageSinceMicros == null) {
            outageSinceMicros = EpochMicros.now();
        }
        FeedDefinition definition = feed.feed().definition();
        // A connection that streamed for longer than the longest backoff was healthy: start the backoff over.
        if (wasStreaming
                && System.currentTimeMillis() - connectedAtMillis
                        > definition.reconnectMaxBackoff().toMillis()) {
            attempt = 0;
        }
        // A disconnect ssmd chose (new instruments, a scheduled reconnect) is no failure: reconnect at once.
        Duration delay = planned != null && ended.failure() == null
                ? Duration.ZERO
                : new Backoff(
                                definition.reconnectMinBackoff(),
                                definition.reconnectMaxBackoff(),
                                definition.reconnectJitter())
                        .delay(attempt++, random);
        reconnects++;
        if (assignment.instruments().isEmpty() && !assignment.isCompanion()) {
            state = ShardHealth.STOPPED;
            return this;
        }
        runtime.metrics().reconnects().labelValues(shardContext.feed(), name).inc();
        state = ShardHealth.BACKOFF;
        timers.startSingleTimer(Reconnect.INSTANCE, delay);
        return this;
    }

    private Behavior<Command> onReconnect() {
        if (running == null
                && assignment != null
                && (!assignment.instruments().isEmpty() || assignment.isCompanion())) {
            connect();
        }
        return this;
    }

    private Behavior<Command> onReportHealth() {
        if (assignment != null) {
            runtime.metrics()
                    .idleSeconds()
                    .labelValues(shardContext.feed(), name)
                    .set(stats.idleSeconds());
            runtime.healthTopic().tell(Topic.publish(health()));
        }
        return this;
    }

    private Behavior<Command> onStop() {
        if (shardContext != null) {
            runtime.metrics()
                    .websocketConnected()
                    .labelValues(shardContext.feed(), name)
                    .set(0);
        }
        if (running != null) {
            running.killSwitch().shutdown();
            running = null;
            events.disconnected("shard stopping (hand-off or shutdown)");
        }
        state = ShardHealth.STOPPED;
        onReportHealth();
        return Behaviors.stopped();
    }

    private Behavior<Command> onPostStop() {
        if (running != null) {
            running.killSwitch().shutdown();
        }
        return this;
    }

    ShardHealth health() {
        return new ShardHealth(
                assignment.feed(),
                name,
                runtime.node(),
                state,
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
        return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, shard);
    }
}
