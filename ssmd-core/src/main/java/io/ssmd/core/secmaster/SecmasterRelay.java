package io.ssmd.core.secmaster;

import io.ssmd.core.Backoff;
import io.ssmd.core.settings.SecmasterRelaySettings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The security master's outbox relay (DESIGN §15): a cluster singleton that, every
 * {@link SecmasterRelaySettings#interval()}, publishes every unpublished outbox row through {@link OutboxRelay} on the
 * blocking dispatcher. Before its first pass, and after any failed one, it creates the stream if absent and runs
 * {@link OutboxRelay#recover()}. While NATS or the database fails it retries with a backoff from the interval up to
 * {@link SecmasterRelaySettings#backoffMax()}; nothing unacked is ever marked.
 */
public final class SecmasterRelay extends AbstractBehavior<SecmasterRelay.Command> {

    public sealed interface Command {}

    private enum Tick implements Command {
        INSTANCE
    }

    /** A pass ended: {@code failure} is null when it published everything pending. */
    private record PassDone(int published, long pending, Throwable failure) implements Command {}

    private final OutboxRelay relay;
    private final SecmasterRelaySettings settings;
    private final Executor blocking;
    private final TimerScheduler<Command> timers;
    private final Backoff backoff;
    private boolean recovered;
    private int failures;

    private SecmasterRelay(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            OutboxRelay relay,
            SecmasterRelaySettings settings,
            Executor blocking) {
        super(context);
        this.timers = timers;
        this.relay = relay;
        this.settings = settings;
        this.blocking = blocking;
        this.backoff = new Backoff(settings.interval(), settings.backoffMax(), 0.2);
        // Through the timer rather than a tell to self: a node-local message that never needs serializing (a cluster
        // that verifies serialization of every message refuses a non-serializable tell).
        timers.startSingleTimer(Tick.INSTANCE, java.time.Duration.ZERO);
    }

    /** Starts the relay as the cluster's singleton {@code secmaster-relay}; returns its proxy. */
    public static ActorRef<Command> init(
            ActorSystem<?> system, OutboxRelay relay, SecmasterRelaySettings settings, Executor blocking) {
        return ClusterSingleton.get(system)
                .init(SingletonActor.of(
                                Behaviors.supervise(create(relay, settings, blocking))
                                        .onFailure(SupervisorStrategy.restartWithBackoff(
                                                settings.interval(), settings.backoffMax(), 0.2)),
                                "secmaster-relay")
                        .withSettings(ClusterSingletonSettings.create(system)));
    }

    public static Behavior<Command> create(OutboxRelay relay, SecmasterRelaySettings settings, Executor blocking) {
        return Behaviors.setup(
                ctx -> Behaviors.withTimers(timers -> new SecmasterRelay(ctx, timers, relay, settings, blocking)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Tick.class, t -> onTick())
                .onMessage(PassDone.class, this::onPassDone)
                .build();
    }

    private Behavior<Command> onTick() {
        boolean recover = !recovered;
        CompletableFuture<PassDone> pass = CompletableFuture.supplyAsync(() -> pass(recover), blocking);
        getContext().pipeToSelf(pass, (done, error) -> done != null ? done : new PassDone(0, -1, unwrap(error)));
        return this;
    }

    /** Blocking: recovery when due, then everything pending. */
    private PassDone pass(boolean recover) {
        try {
            if (recover) {
                relay.ensureStream();
                relay.recover();
            }
            int published = relay.publishPending();
            return new PassDone(published, relay.pending(), null);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            long pending;
            try {
                pending = relay.pending();
            } catch (RuntimeException db) {
                pending = -1;
            }
            return new PassDone(0, pending, e);
        }
    }

    private Behavior<Command> onPassDone(PassDone done) {
        Duration next;
        if (done.failure() == null) {
            if (!recovered) {
                recovered = true;
            }
            if (failures > 0) {
                getContext().getLog().info("secmaster relay publishes again after {} failed tries", failures);
            }
            failures = 0;
            next = settings.interval();
        } else {
            // A failed pass may have published rows it could not see acked: recover again before the next.
            recovered = false;
            next = backoff.delay(failures);
            getContext()
                    .getLog()
                    .warn(
                            "secmaster relay: {} ({} rows pending); retrying in {} ms",
                            done.failure().toString(),
                            done.pending() < 0 ? "?" : Long.toString(done.pending()),
                            next.toMillis());
            failures++;
        }
        timers.startSingleTimer(Tick.INSTANCE, next);
        return this;
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
