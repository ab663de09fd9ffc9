package io.ssmd.node;

import io.ssmd.core.Backoff;
import io.ssmd.core.nats.NatsServerProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Keeps the embedded {@code nats-server} child alive: when it exits without having been asked to, it is started
 * again on the same port and store after a backoff that doubles up to a maximum. Clients reconnect on their own
 * (jnats reconnects forever), so a crashed server costs an outage, not the node.
 */
final class EmbeddedNatsSupervisor extends AbstractBehavior<EmbeddedNatsSupervisor.Command> {

    sealed interface Command {}

    private record Exited(int code) implements Command {}

    private enum RestartNow implements Command {
        INSTANCE
    }

    private record Restarted(Throwable failure) implements Command {}

    private final NatsServerProcess server;
    private final Backoff backoff;
    private final Executor blocking;
    private final TimerScheduler<Command> timers;
    private int attempt;
    private long watchingSinceNanos;

    static Behavior<Command> create(
            NatsServerProcess server, Duration minBackoff, Duration maxBackoff, Executor blocking) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(
                timers -> new EmbeddedNatsSupervisor(ctx, timers, server, minBackoff, maxBackoff, blocking)));
    }

    private EmbeddedNatsSupervisor(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            NatsServerProcess server,
            Duration minBackoff,
            Duration maxBackoff,
            Executor blocking) {
        super(context);
        this.timers = timers;
        this.server = server;
        // No jitter: there is one embedded server, with no herd of peers to spread out.
        this.backoff = new Backoff(minBackoff, maxBackoff, 0);
        this.blocking = blocking;
        watch();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Exited.class, this::onExited)
                .onMessageEquals(RestartNow.INSTANCE, this::onRestartNow)
                .onMessage(Restarted.class, this::onRestarted)
                .build();
    }

    private void watch() {
        watchingSinceNanos = System.nanoTime();
        getContext().pipeToSelf(server.onExit(), (code, failure) -> new Exited(code == null ? -1 : code));
    }

    private Behavior<Command> onExited(Exited exited) {
        if (server.isStopRequested()) {
            return Behaviors.stopped();
        }
        // A server that ran for a while earns a quick restart; one that keeps dying backs off further each time.
        if (Duration.ofNanos(System.nanoTime() - watchingSinceNanos)
                        .compareTo(backoff.max().multipliedBy(2))
                > 0) {
            attempt = 0;
        }
        Duration delay = backoff.delay(attempt++);
        getContext()
                .getLog()
                .warn(
                        "embedded nats-server (port {}) exited with code {}; restarting in {} ms; log: {}",
                        server.port(),
                        exited.code(),
                        delay.toMillis(),
                        server.logFile());
        timers.startSingleTimer(RestartNow.INSTANCE, delay);
        return this;
    }

    private Behavior<Command> onRestartNow() {
        if (server.isStopRequested()) {
            return Behaviors.stopped();
        }
        // start() blocks until the server is ready: it runs on the blocking dispatcher, not in the actor.
        getContext()
                .pipeToSelf(
                        CompletableFuture.runAsync(server::start, blocking), (ok, failure) -> new Restarted(failure));
        return this;
    }

    private Behavior<Command> onRestarted(Restarted restarted) {
        if (restarted.failure() != null) {
            Duration delay = backoff.delay(attempt++);
            getContext()
                    .getLog()
                    .error(
                            "embedded nats-server did not restart ({}); trying again in {} ms",
                            restarted.failure().getMessage(),
                            delay.toMillis());
            timers.startSingleTimer(RestartNow.INSTANCE, delay);
            return this;
        }
        getContext().getLog().info("embedded nats-server restarted on {}", server.url());
        watch();
        return this;
    }
}
