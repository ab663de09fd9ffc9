package io.ssmd.archive;

import io.ssmd.core.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * One configured archiver, running on the node that holds its cluster singleton (DESIGN §13): it starts the
 * archiver's streams when it starts and, on {@link Stop} (the singleton's stop message, sent before a hand-over),
 * commits their open segments and only then stops, so the next node starts after the last commit here.
 *
 * <p>It registers with the receptionist under {@link #key(String)}, so that the daily teardown, wherever it runs,
 * reaches it: {@link Flush} (docs/archive.md).
 */
public final class ArchiverSingleton extends AbstractBehavior<ArchiverSingleton.Command> {

    /** What the singleton takes. */
    public sealed interface Command extends CborSerializable {}

    /** Commit the open segments and stop: the singleton's stop message, before it moves to another node. */
    public enum Stop implements Command {
        INSTANCE
    }

    /**
     * The daily teardown's flush: for each stream, up to {@code upTo}'s seq (absent: the stream's last seq now), the
     * writer syncs its open segment's {@code .tmp}; the answer says how far each is on disk for good. Ask again with the
     * answer's seqs until every stream has reached its own.
     */
    public record Flush(Map<String, Long> upTo, ActorRef<Flushed> replyTo) implements Command {}

    /** Per stream of the archiver: the seq flushed to and the last seq on disk for good (-1: not open yet). */
    public record Flushed(String archiver, List<StreamFlush> streams) implements CborSerializable {}

    public record StreamFlush(String stream, long upTo, long written) {
        public boolean reached() {
            return written >= upTo;
        }
    }

    /** {@code archiver-{env}}: the archivers of one environment, on whichever node each runs. */
    public static ServiceKey<Command> key(String environment) {
        return ServiceKey.create(Command.class, "archiver-" + environment);
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
    static Behavior<Command> create(
            String environment, String name, Supplier<Archivers> start, Set<Archivers> running) {
        Behavior<Command> behavior = Behaviors.setup(context -> {
            context.getLog().info("archiver {} runs on this node", name);
            context.getSystem().receptionist().tell(Receptionist.register(key(environment), context.getSelf()));
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
                .onMessage(Flush.class, this::onFlush)
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

    private Behavior<Command> onFlush(Flush flush) {
        List<StreamArchiver> streams = archivers.streams();
        Map<String, Long> upTo = flush.upTo();
        ActorRef<Flushed> replyTo = flush.replyTo();
        // The stream's last seq is a call to NATS: off the actor's thread, and the answer goes straight back.
        CompletableFuture.runAsync(
                () -> {
                    List<StreamFlush> all = new ArrayList<>();
                    for (StreamArchiver s : streams) {
                        long target = upTo.containsKey(s.stream())
                                ? upTo.get(s.stream())
                                : s.streamLastSeq().orElse(Long.MAX_VALUE);
                        all.add(new StreamFlush(s.stream(), target, s.flush(target)));
                    }
                    replyTo.tell(new Flushed(name, all));
                },
                getContext().getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
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
