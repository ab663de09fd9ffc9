package io.ssmd.core.shard;

import io.ssmd.core.CborSerializable;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.nats.EpochMicros;
import java.time.Duration;
import java.util.List;
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
    public sealed interface Command extends CborSerializable {
    }

    /**
     * Run (or keep running) with these instruments. Idempotent: the feed manager re-sends it so that a shard
     * restarted or moved elsewhere resumes.
     */
    public record Start(String feed, int index, List<String> instruments) implements Command {
        public Start {
            instruments = List.copyOf(instruments);
        }
    }

    /** Hand-off or shutdown: close the socket, announce {@code disconnected}, stop. */
    public enum Stop implements Command { INSTANCE }

    private record Connected(long epoch, WebSocketUpgradeResponse upgrade, Throwable failure) implements Command {
    }

    private record Ended(long epoch, Throwable failure) implements Command {
    }

    private enum Reconnect implements Command { INSTANCE }

    private enum ReportHealth implements Command { INSTANCE }

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ShardRuntime runtime;
    private final String name;
    private final ShardStats stats = new ShardStats();
    private final SplittableRandom random;
    private Start assignment;
    private FeedConnector feed;
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
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), runtime))
                .withStopMessage(Stop.INSTANCE)
                .withRole("connector"));
    }

    public static Behavior<Command> create(String name, ShardRuntime runtime) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new FeedShard(ctx, timers, name, runtime)));
    }

    private FeedShard(ActorContext<Command> context, TimerScheduler<Command> timers, String name,
            ShardRuntime runtime) {
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
        boolean wasRunning = running != null;
        Start previous = assignment;
        assignment = start;
        if (start.instruments().isEmpty()) {
            // Discovery took every instrument away: close the connection and stay idle until new ones come.
            if (wasRunning) {
                running.killSwitch().shutdown();
            }
            feed = found.get();
            shardContext = ShardContext.of(runtime.env(), start.feed(), name, List.of());
            runtime.metrics().marketsSubscribed().labelValues(start.feed(), name).set(0);
            return this;
        }
        feed = found.get();
        shardContext = ShardContext.of(runtime.env(), start.feed(), name, start.instruments());
        runtime.metrics().marketsSubscribed().labelValues(start.feed(), name).set(start.instruments().size());
        if (wasRunning && state.equals(ShardHealth.STREAMING) && feed.connector().changesLive()
                && previous != null && previous.feed().equals(start.feed())) {
            changeLive(previous.instruments(), start.instruments());
            // Control events of this connection name its instruments as they are now.
            events = new ShardEvents(shardContext, epoch, runtime);
            return this;
        }
        if (wasRunning) {
            // New instruments: a fresh connection subscribes them all; the old one ends as a planned disconnect.
            running.killSwitch().shutdown();
            return this;
        }
        connect();
        return this;
    }

    /** Subscribes what was added and unsubscribes what was removed on the open connection. */
    private void changeLive(List<String> before, List<String> after) {
        List<String> added = after.stream().filter(i -> !before.contains(i)).toList();
        List<String> removed = before.stream().filter(i -> !after.contains(i)).toList();
        if (!removed.isEmpty()) {
            feed.connector().removeLive(removed).forEach(running.outbound()::offer);
        }
        if (!added.isEmpty()) {
            feed.connector().addLive(added).forEach(running.outbound()::offer);
        }
        context.getLog().info("{}: {} instruments added, {} removed on the open connection", name, added.size(),
                removed.size());
    }

    private void connect() {
        epoch = Math.max(EpochMicros.now(), epoch + 1);
        state = ShardHealth.CONNECTING;
        stats.connectionStarted();
        FeedDefinition definition = feed.feed().definition();
        ShardGraph.Plan plan = new ShardGraph.Plan(feed, shardContext, epoch, definition.silenceTimeout(),
                definition.pingInterval(), definition.maxFrameBytes(), runtime.publisher());
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
            lastError = connected.failure() != null ? connected.failure().toString()
                    : "handshake refused: " + connected.upgrade().invalidationReason();
            running.killSwitch().abort(new IllegalStateException(lastError));
            return this;
        }
        state = ShardHealth.STREAMING;
        connectedAtMillis = System.currentTimeMillis();
        runtime.metrics().websocketConnected().labelValues(shardContext.feed(), name).set(1);
        events.connected(outageSinceMicros);
        outageSinceMicros = null;
        for (String frame : feed.connector().subscribe(shardContext.instruments())) {
            running.outbound().offer(frame);
        }
        return this;
    }

    private Behavior<Command> onEnded(Ended ended) {
        if (ended.epoch() != epoch) {
            return this;
        }
        boolean wasStreaming = state.equals(ShardHealth.STREAMING);
        String reason = ended.failure() != null ? ended.failure().getMessage() : "the venue closed the connection";
        if (ended.failure() != null && reason == null) {
            reason = ended.failure().toString();
        }
        lastError = reason;
        running = null;
        runtime.metrics().websocketConnected().labelValues(shardContext.feed(), name).set(0);
        events.disconnected(reason);
        if (outageSinceMicros == null) {
            outageSinceMicros = EpochMicros.now();
        }
        FeedDefinition definition = feed.feed().definition();
        // A connection that streamed for longer than the longest backoff was healthy: start the backoff over.
        if (wasStreaming && System.currentTimeMillis() - connectedAtMillis > definition.reconnectMaxBackoff().toMillis()) {
            attempt = 0;
        }
        Duration delay = new Backoff(definition.reconnectMinBackoff(), definition.reconnectMaxBackoff(),
                definition.reconnectJitter()).delay(attempt++, random);
        reconnects++;
        if (assignment.instruments().isEmpty()) {
            state = ShardHealth.STOPPED;
            return this;
        }
        runtime.metrics().reconnects().labelValues(shardContext.feed(), name).inc();
        state = ShardHealth.BACKOFF;
        timers.startSingleTimer(Reconnect.INSTANCE, delay);
        return this;
    }

    private Behavior<Command> onReconnect() {
        if (running == null && assignment != null && !assignment.instruments().isEmpty()) {
            connect();
        }
        return this;
    }

    private Behavior<Command> onReportHealth() {
        if (assignment != null) {
            runtime.metrics().idleSeconds().labelValues(shardContext.feed(), name).set(stats.idleSeconds());
            runtime.healthTopic().tell(Topic.publish(health()));
        }
        return this;
    }

    private Behavior<Command> onStop() {
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
        return new ShardHealth(assignment.feed(), name, runtime.node(), state,
                state.equals(ShardHealth.STREAMING) ? connectedAtMillis : 0, stats.lastMessageAgeMs(),
                stats.messages(), reconnects, assignment.instruments(), stats.rejectedInstruments(), lastError,
                System.currentTimeMillis());
    }

    /** The address of a shard entity. */
    public static org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Command> ref(ActorSystem<?> system,
            String shard) {
        return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, shard);
    }
}
