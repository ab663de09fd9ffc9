package io.ssmd.archive;

import io.ssmd.core.CborSerializable;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One configured archiver, running on the node that holds its cluster singleton (DESIGN §13): it starts the
 * archiver's streams when it starts and, on {@link Stop} (the singleton's stop message, sent before a hand-over),
 * commits their open segments and only then stops, so the next node starts after the last commit here.
 */
final class ArchiverSingleton extends AbstractBehavior<ArchiverSingleton.Command> {

    /** What the singleton takes. */
    public sealed interface Command extends CborSerializable {}

    /** Commit the open segments and stop: the singleton's stop message, before it moves to another node. */
    public enum Stop implements Command {
        INSTANCE
    }

    private enum Committed implements Command {
        INSTANCE
    }

    private final String name;
    private final Archivers archivers;
    private final Set<Archivers> running;
    private long stopAsked;

    private ArchiverSingleton(ActorContext<Command> context, String name, Archivers archivers, Set<Archivers> running) {
        super(context);
        this.name = name;
        this.archivers = archivers;
        this.running = running;
    }

    /**
     * @param start   starts the archiver's streams on this node
     * @param running the archivers running on this node, which the node's coordinated shutdown commits
     */
    static Behavior<Command> create(String name, Supplier<Archivers> start, Set<Archivers> running) {
        Behavior<Command> behavior = Behaviors.setup(context -> {
            context.getLog().info("archiver {} runs on this node", name);
            Archivers archivers = start.get();
            running.add(archivers);
            return new ArchiverSingleton(context, name, archivers, running);
        });
        return Behaviors.supervise(behavior)
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Stop.class, this::onStop)
                .onMessage(Committed.class, this::onCommitted)
                .onSignal(PostStop.class, signal -> stopStreams())
                .onSignal(PreRestart.class, signal -> stopStreams())
                .build();
    }

    private Behavior<Command> onStop(Stop stop) {
        getContext().getLog().info("archiver {} leaves this node: committing its open segments", name);
        stopAsked = System.nanoTime();
        getContext().pipeToSelf(archivers.stop(), (ok, failure) -> Committed.INSTANCE);
        return this;
    }

    private Behavior<Command> onCommitted(Committed committed) {
        running.remove(archivers);
        // The hand-over completes when this actor has stopped: the next node starts the archiver then.
        getContext()
                .getLog()
                .info(
                        "archiver {} committed its open segments in {} ms and stops here",
                        name,
                        java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAsked));
        return Behaviors.stopped();
    }

    /** Stopped without its stop message (the actor system ends, or a restart): the streams stop all the same. */
    private Behavior<Command> stopStreams() {
        archivers.stop().whenComplete((ok, failure) -> running.remove(archivers));
        return this;
    }
}
