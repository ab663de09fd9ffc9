package io.ssmd.core.shard;

import io.ssmd.core.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A feed's assignments in the journal (DESIGN §13): which instruments, with their security-master attributes, each
 * shard holds, as the {@link FeedShard.Start} its {@link FeedManager} last sent it. The manager spawns it as a child;
 * once it has recovered (from the latest snapshot and the events after it) it tells the manager what it holds, and the
 * manager re-sends exactly those starts before discovery or the security master answers, so that a manager that
 * moved or restarted packs nothing anew. Every change the manager makes afterwards is one {@link Assigned} event.
 *
 * <p>Persistence id {@code feed-assignments-{env}.{feed}}; events and snapshots are Jackson CBOR with a version
 * ({@link AssignmentsMigration}).
 */
public final class FeedAssignments
        extends EventSourcedBehavior<FeedAssignments.Command, FeedAssignments.Assigned, FeedAssignments.State> {

    public sealed interface Command extends CborSerializable {}

    /** The manager sent these starts (the shards whose assignment changed): remember them. */
    public record Record(List<FeedShard.Start> changed) implements Command {
        public Record {
            changed = List.copyOf(changed);
        }
    }

    /** What the journal held when the store recovered, in shard order (instrument shards by index, then companions). */
    public record Recovered(List<FeedShard.Start> assignments) implements CborSerializable {
        public Recovered {
            assignments = List.copyOf(assignments);
        }
    }

    /** Event: these shards were (re)assigned; each replaces the shard's previous start. */
    public record Assigned(List<FeedShard.Start> shards) implements CborSerializable {
        public Assigned {
            shards = List.copyOf(shards);
        }
    }

    /** The assignments of every shard of the feed; also the snapshot. */
    public record State(List<FeedShard.Start> shards) implements CborSerializable {
        public State {
            shards = List.copyOf(shards);
        }

        State apply(Assigned assigned) {
            Map<String, FeedShard.Start> byShard = new LinkedHashMap<>();
            shards.forEach(s -> byShard.put(s.shard(), s));
            assigned.shards().forEach(s -> byShard.put(s.shard(), s));
            List<FeedShard.Start> next = new ArrayList<>(byShard.values());
            next.sort(SHARD_ORDER);
            return new State(next);
        }
    }

    /** Instrument shards by index, then the companions by name: the order the manager keeps them in. */
    static final Comparator<FeedShard.Start> SHARD_ORDER = Comparator.<FeedShard.Start, Boolean>comparing(
                    s -> s.isCompanion())
            .thenComparingInt(s -> s.index())
            .thenComparing(s -> s.companion());

    private final ActorRef<Recovered> recovered;
    private final int snapshotEvery;

    /**
     * @param feed          the feed whose assignments these are
     * @param snapshotEvery a snapshot every this many events, so recovery reads at most that many events
     * @param recovered     told what the journal held once the store has recovered (again after each restart)
     */
    public static Behavior<Command> create(String feed, int snapshotEvery, ActorRef<Recovered> recovered) {
        return create("", feed, snapshotEvery, recovered);
    }

    /** As above, the assignments of {@code feed} in {@code environment}. */
    public static Behavior<Command> create(
            String environment, String feed, int snapshotEvery, ActorRef<Recovered> recovered) {
        return new FeedAssignments(persistenceId(environment, feed), snapshotEvery, recovered);
    }

    /** The persistence id of a feed's assignments, in no environment (rigs). */
    public static PersistenceId persistenceId(String feed) {
        return persistenceId("", feed);
    }

    /**
     * The persistence id of a feed's assignments in an environment: {@code feed-assignments-{env}.{feed}} (neither name
     * can hold a dot), so environments that share a database, or follow one another on it, keep their own.
     */
    public static PersistenceId persistenceId(String environment, String feed) {
        return PersistenceId.ofUniqueId("feed-assignments-" + (environment.isEmpty() ? "" : environment + ".") + feed);
    }

    private FeedAssignments(PersistenceId id, int snapshotEvery, ActorRef<Recovered> recovered) {
        // A journal that fails (the database away) stops the store; it recovers again after the backoff, and the
        // manager, told again, records what it holds if the journal lost it.
        super(id, SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
        this.snapshotEvery = snapshotEvery;
        this.recovered = recovered;
    }

    @Override
    public State emptyState() {
        return new State(List.of());
    }

    @Override
    public CommandHandler<Command, Assigned, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(Record.class, this::onRecord)
                .build();
    }

    private org.apache.pekko.persistence.typed.javadsl.Effect<Assigned, State> onRecord(State state, Record record) {
        List<FeedShard.Start> changed = record.changed().stream()
                .filter(s -> !state.shards().contains(s))
                .toList();
        return changed.isEmpty() ? Effect().none() : Effect().persist(new Assigned(changed));
    }

    @Override
    public EventHandler<State, Assigned> eventHandler() {
        return newEventHandlerBuilder()
                .forAnyState()
                .onEvent(Assigned.class, State::apply)
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> recovered.tell(new Recovered(state.shards())))
                .build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
    }
}
