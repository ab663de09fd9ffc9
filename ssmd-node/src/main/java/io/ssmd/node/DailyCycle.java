package io.ssmd.node;

import io.ssmd.core.CborSerializable;
import io.ssmd.core.config.ScheduleSpec;
import io.ssmd.core.meta.CycleLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The environment's daily cycle (DESIGN §17): a cluster singleton that starts a cycle at the schedule's next time
 * ({@link ScheduleSpec#nextAfter}), or when {@code ssmd ops} asks, and runs its steps one after the other. Its progress
 * is events in the node's journal (persistence id {@code daily-cycle-{env}}): the singleton that starts on another node
 * after its node was lost recovers the cycle and runs again the step that was under way (steps are idempotent: a
 * sync, a renewal, a check), after marking that step's {@code deployment_log} row {@code interrupted}.
 *
 * <p>Every cycle and every step is a row of {@code deployment_log} ({@link CycleLog}); a step that fails is recorded
 * failed and the cycle goes on to the next (a teardown must start again what it stopped), ending failed.
 */
public final class DailyCycle extends EventSourcedBehavior<DailyCycle.Command, DailyCycle.Event, DailyCycle.State> {

    /** What the scheduler takes. {@link Run} and {@link GetStatus} cross nodes, from the admin routes. */
    public sealed interface Command extends CborSerializable {}

    /**
     * Start a cycle of {@code mode} now ({@code rolling}, {@code teardown}, {@code start} or {@code stop}).
     *
     * @param trigger {@code manual} or {@code scheduled}
     * @param by      who asked: the OS user of {@code ssmd ops}, or the node
     */
    public record Run(String mode, String trigger, String by, ActorRef<RunReply> replyTo) implements Command {}

    /** Whether a {@link Run} started a cycle: its id, or why not. */
    public record RunReply(boolean accepted, String cycleId, String reason) implements CborSerializable {}

    /** What the scheduler is doing. */
    public record GetStatus(ActorRef<Status> replyTo) implements Command {}

    /**
     * @param state     {@code idle} or {@code running}
     * @param cycleId   the running cycle's id, or the last one's ({@code null} when none ran)
     * @param mode      that cycle's mode
     * @param step      the step under way ({@code null} when idle)
     * @param nextAt    the next scheduled cycle ({@code null} without a schedule)
     * @param schedule  the schedule as configured ({@code none} without one)
     * @param node      the node holding the scheduler
     * @param stoppedAt when the cluster's connectors were stopped ({@code ssmd ops stop}, a teardown under way), else
     *                  {@code null}
     * @param stoppedBy who stopped them
     */
    public record Status(
            String state,
            String cycleId,
            String mode,
            String step,
            Instant nextAt,
            String schedule,
            String node,
            Instant stoppedAt,
            String stoppedBy)
            implements CborSerializable {}

    /** The schedule's time has come. */
    private record Due(Instant slot) implements Command {}

    /** Run the next step (or end the cycle). */
    private enum Next implements Command {
        INSTANCE
    }

    /**
     * The step's row is written: start the step's pause. The timer is started here, in the actor: a timer started from
     * the row's thread raced the actor's own timer bookkeeping and, with no pause, its message could be dropped as
     * stale, leaving the cycle stuck at that step.
     */
    private record StepLogged(String cycleId, int index) implements Command {}

    /** The step's pause is over: run it. */
    private record RunStep(String cycleId, int index) implements Command {}

    private record StepDone(String cycleId, int index, boolean ok, String detail) implements Command {}

    /** Events, version 1 ({@code io.ssmd.core.FirstVersion} in ssmd-pekko.conf). */
    public sealed interface Event extends CborSerializable {}

    public record CycleStarted(String cycleId, String mode, String trigger, String by, Instant at, List<String> steps)
            implements Event {
        public CycleStarted {
            steps = List.copyOf(steps);
        }
    }

    /** A step began; {@code resumed} when it began before on a node that was lost. */
    public record StepStarted(String cycleId, int index, Instant at, String node, boolean resumed) implements Event {}

    public record StepEnded(String cycleId, int index, boolean ok, String detail, Instant at) implements Event {}

    public record CycleEnded(String cycleId, boolean ok, Instant at) implements Event {}

    /**
     * The scheduler's state; {@code cycleId} null when no cycle ever ran. {@code running} while a cycle is under way,
     * {@code stepRunning} while its step {@code step} is. {@code stoppedAt} and {@code stoppedBy} are set from the start
     * of a {@code stop} or {@code teardown} cycle to the end of the {@code start} or {@code teardown} that follows: the
     * cluster's connectors are stopped (null in a state written before they existed).
     */
    public record State(
            String cycleId,
            String mode,
            String trigger,
            String by,
            List<String> steps,
            int step,
            boolean stepRunning,
            boolean running,
            boolean failed,
            Instant stoppedAt,
            String stoppedBy)
            implements CborSerializable {

        static final State EMPTY = new State(null, null, null, null, List.of(), 0, false, false, false, null, null);

        State apply(Event event) {
            if (event instanceof CycleStarted s) {
                boolean stops = s.mode().equals(STOP) || s.mode().equals(ScheduleSpec.TEARDOWN);
                return new State(
                        s.cycleId(),
                        s.mode(),
                        s.trigger(),
                        s.by(),
                        s.steps(),
                        0,
                        false,
                        true,
                        false,
                        stops ? s.at() : stoppedAt,
                        stops ? s.by() : stoppedBy);
            }
            if (event instanceof StepStarted s) {
                return new State(
                        cycleId, mode, trigger, by, steps, s.index(), true, true, failed, stoppedAt, stoppedBy);
            }
            if (event instanceof StepEnded s) {
                return new State(
                        cycleId,
                        mode,
                        trigger,
                        by,
                        steps,
                        s.index() + 1,
                        false,
                        true,
                        failed || !s.ok(),
                        stoppedAt,
                        stoppedBy);
            }
            boolean starts = START.equals(mode) || ScheduleSpec.TEARDOWN.equals(mode);
            return new State(
                    cycleId,
                    mode,
                    trigger,
                    by,
                    steps,
                    step,
                    false,
                    false,
                    failed,
                    starts ? null : stoppedAt,
                    starts ? null : stoppedBy);
        }

        /** Whether the connectors are stopped and no cycle runs: only a {@code start} may follow. */
        boolean stopped() {
            return !running && stoppedAt != null;
        }
    }

    /** A step of a cycle: idempotent, as the step in progress when a node is lost runs again on another. */
    public interface Step {
        /** Its action in {@code deployment_log} (at most 20 characters). */
        String name();

        /** Runs it; completes with what it did (for people) or fails with why. */
        CompletionStage<String> run();
    }

    /** The steps of each mode, on the node holding the scheduler. */
    public interface Plan {
        List<Step> steps(String mode);
    }

    /** The cycle's rows in {@code deployment_log}, on the blocking dispatcher (a test may keep them apart). */
    public interface Log {
        void cycleBegun(CycleStarted started);

        void stepBegun(CycleStarted cycle, StepStarted step, String stepName);

        void stepEnded(String cycleId, String stepName, StepEnded ended);

        void cycleEnded(String cycleId, String mode, CycleEnded ended);

        /** Marks the step's rows that were left running by a lost node; returns how many. */
        int interrupted(String cycleId, String stepName, Instant at, String why);
    }

    /** The modes a cycle runs: the schedule's two and the halves {@code ssmd ops start|stop} run alone. */
    public static final List<String> MODES = List.of(ScheduleSpec.ROLLING, ScheduleSpec.TEARDOWN, "start", "stop");

    /** The teardown's first half, {@code ssmd ops stop}: the cluster stays stopped until a {@link #START}. */
    public static final String STOP = "stop";

    /** The teardown's second half, {@code ssmd ops start}. */
    public static final String START = "start";

    private static final Object DUE = "due";

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final String environment;
    private final String node;
    private final Optional<ScheduleSpec> schedule;
    private final Plan plan;
    private final Log log;
    private final Executor blocking;
    private final Duration stepPause;
    private final Clock clock;
    /** The running cycle's steps, resolved on this node; rebuilt after recovery. */
    private List<Step> steps = List.of();
    /** The started event of the running cycle, for the step rows. */
    private CycleStarted current;

    private Instant nextAt;

    /**
     * @param stepPause a pause before each step runs (0 in production: a test sets it to catch a cycle mid-step)
     */
    public static Behavior<Command> create(
            String environment,
            String node,
            Optional<ScheduleSpec> schedule,
            Plan plan,
            Log log,
            Executor blocking,
            Duration stepPause,
            Clock clock) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new DailyCycle(context, timers, environment, node, schedule, plan, log, blocking, stepPause, clock)));
    }

    /** {@code daily-cycle-{env}}: one scheduler per environment. */
    public static PersistenceId persistenceId(String environment) {
        return PersistenceId.ofUniqueId("daily-cycle-" + environment);
    }

    private DailyCycle(
            ActorContext<Command> context,
            TimerScheduler<Command> timers,
            String environment,
            String node,
            Optional<ScheduleSpec> schedule,
            Plan plan,
            Log log,
            Executor blocking,
            Duration stepPause,
            Clock clock) {
        super(
                persistenceId(environment),
                SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
        this.context = context;
        this.timers = timers;
        this.environment = environment;
        this.node = node;
        this.schedule = schedule;
        this.plan = plan;
        this.log = log;
        this.blocking = blocking;
        this.stepPause = stepPause;
        this.clock = clock;
    }

    @Override
    public State emptyState() {
        return State.EMPTY;
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(Run.class, this::onRun)
                .onCommand(GetStatus.class, this::onStatus)
                .onCommand(Due.class, this::onDue)
                .onCommand(Next.class, this::onNext)
                .onCommand(StepLogged.class, this::onStepLogged)
                .onCommand(RunStep.class, this::onRunStep)
                .onCommand(StepDone.class, this::onStepDone)
                .build();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::onRecovered)
                .build();
    }

    /** A snapshot every 100 events (some ten cycles), so that recovery reads at most that many. */
    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    private void onRecovered(State state) {
        scheduleNext();
        if (!state.running()) {
            context.getLog()
                    .info(
                            "daily cycle of {}: scheduler on this node, next cycle {}",
                            environment,
                            nextAt == null
                                    ? "none (no schedule block)"
                                    : nextAt + " (" + schedule.get().mode() + ")");
            return;
        }
        current = new CycleStarted(
                state.cycleId(), state.mode(), state.trigger(), state.by(), clock.instant(), state.steps());
        steps = plan.steps(state.mode());
        if (state.stepRunning()) {
            String name = state.steps().get(state.step());
            context.getLog()
                    .warn(
                            "daily cycle {} of {} resumes on this node: step {} was under way on a node that was lost;"
                                    + " it runs again",
                            state.cycleId(),
                            environment,
                            name);
            Instant now = clock.instant();
            CompletableFuture.runAsync(
                            () -> log.interrupted(
                                    state.cycleId(), name, now, "its node was lost; the step runs again on " + node),
                            blocking)
                    .whenComplete((ok, failure) -> context.getSelf().tell(Next.INSTANCE));
        } else {
            context.getLog().info("daily cycle {} of {} resumes on this node", state.cycleId(), environment);
            context.getSelf().tell(Next.INSTANCE);
        }
    }

    private Effect<Event, State> onRun(State state, Run run) {
        if (!MODES.contains(run.mode())) {
            return Effect()
                    .reply(
                            run.replyTo(),
                            new RunReply(false, null, "unknown mode '" + run.mode() + "': one of " + MODES));
        }
        if (state.running()) {
            return Effect()
                    .reply(
                            run.replyTo(),
                            new RunReply(
                                    false,
                                    state.cycleId(),
                                    "cycle " + state.cycleId() + " (" + state.mode() + ") is under way, at step "
                                            + state.steps().get(state.step())));
        }
        if (state.stopped() && !run.mode().equals(START)) {
            return Effect()
                    .reply(
                            run.replyTo(),
                            new RunReply(
                                    false,
                                    state.cycleId(),
                                    "the cluster is stopped since " + state.stoppedAt() + ", by " + state.stoppedBy()
                                            + ": only a start runs (ssmd ops start)"));
        }
        List<Step> planned;
        try {
            planned = plan.steps(run.mode());
        } catch (IllegalArgumentException e) {
            return Effect().reply(run.replyTo(), new RunReply(false, null, e.getMessage()));
        }
        String id = cycleId(run.mode());
        CycleStarted started = new CycleStarted(
                id,
                run.mode(),
                run.trigger(),
                run.by(),
                clock.instant(),
                planned.stream().map(Step::name).toList());
        return Effect().persist(started).thenRun(s -> {
            steps = planned;
            current = started;
            context.getLog()
                    .info(
                            "daily cycle {} of {} starts ({}, {} by {}): {}",
                            id,
                            environment,
                            run.mode(),
                            run.trigger(),
                            run.by(),
                            started.steps());
            CompletableFuture.runAsync(() -> log.cycleBegun(started), blocking).whenComplete((ok, failure) -> {
                if (failure != null) {
                    context.getLog().warn("daily cycle {}: deployment_log not written: {}", id, failure);
                }
                context.getSelf().tell(Next.INSTANCE);
            });
            run.replyTo().tell(new RunReply(true, id, null));
        });
    }

    private Effect<Event, State> onStatus(State state, GetStatus get) {
        String step = state.running() && state.step() < state.steps().size()
                ? state.steps().get(state.step())
                : null;
        return Effect()
                .reply(
                        get.replyTo(),
                        new Status(
                                state.running() ? "running" : state.stopped() ? "stopped" : "idle",
                                state.cycleId(),
                                state.mode(),
                                step,
                                nextAt,
                                schedule.map(s -> s.time() + " " + s.zone() + " " + s.mode())
                                        .orElse("none"),
                                node,
                                state.stoppedAt(),
                                state.stoppedBy()));
    }

    private Effect<Event, State> onDue(State state, Due due) {
        scheduleNext();
        if (state.stopped()) {
            context.getLog()
                    .warn(
                            "daily cycle of {}: the {} cycle is skipped, the cluster is stopped since {} by {}",
                            environment,
                            due.slot(),
                            state.stoppedAt(),
                            state.stoppedBy());
            return Effect().none();
        }
        if (state.running()) {
            context.getLog()
                    .warn(
                            "daily cycle of {}: the {} cycle is skipped, cycle {} is still under way",
                            environment,
                            due.slot(),
                            state.cycleId());
            return Effect().none();
        }
        String mode = schedule.orElseThrow().mode();
        try {
            plan.steps(mode);
        } catch (IllegalArgumentException e) {
            context.getLog()
                    .warn(
                            "daily cycle of {}: the {} cycle due at {} does not run: {}",
                            environment,
                            mode,
                            due.slot(),
                            e.getMessage());
            return Effect().none();
        }
        ActorRef<RunReply> ignore = context.getSystem().ignoreRef();
        return onRun(state, new Run(mode, "scheduled", node, ignore));
    }

    private Effect<Event, State> onNext(State state, Next next) {
        if (!state.running() || current == null || !current.cycleId().equals(state.cycleId())) {
            return Effect().none();
        }
        if (state.step() >= state.steps().size()) {
            CycleEnded ended = new CycleEnded(state.cycleId(), !state.failed(), clock.instant());
            return Effect().persist(ended).thenRun(s -> {
                context.getLog()
                        .info(
                                "daily cycle {} of {} {}",
                                ended.cycleId(),
                                environment,
                                ended.ok() ? "succeeded" : "ended with failed steps");
                String mode = state.mode();
                CompletableFuture.runAsync(() -> log.cycleEnded(ended.cycleId(), mode, ended), blocking);
            });
        }
        boolean resumed = state.stepRunning();
        StepStarted started = new StepStarted(state.cycleId(), state.step(), clock.instant(), node, resumed);
        String name = state.steps().get(state.step());
        CycleStarted cycle = current;
        return Effect().persist(started).thenRun(s -> {
            context.getLog()
                    .info(
                            "daily cycle {}: step {} ({}/{}) {}",
                            started.cycleId(),
                            name,
                            started.index() + 1,
                            state.steps().size(),
                            resumed ? "runs again" : "begins");
            CompletableFuture.runAsync(() -> log.stepBegun(cycle, started, name), blocking)
                    .whenComplete((ok, failure) ->
                            context.getSelf().tell(new StepLogged(started.cycleId(), started.index())));
        });
    }

    private Effect<Event, State> onStepLogged(State state, StepLogged logged) {
        timers.startSingleTimer("step", new RunStep(logged.cycleId(), logged.index()), stepPause);
        return Effect().none();
    }

    private Effect<Event, State> onRunStep(State state, RunStep run) {
        if (!run.cycleId().equals(state.cycleId()) || run.index() != state.step() || !state.stepRunning()) {
            return Effect().none();
        }
        Step step = steps.get(run.index());
        CompletionStage<String> result;
        try {
            result = step.run();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        context.pipeToSelf(
                result,
                (detail, failure) -> failure == null
                        ? new StepDone(run.cycleId(), run.index(), true, detail)
                        : new StepDone(run.cycleId(), run.index(), false, reason(failure)));
        return Effect().none();
    }

    private Effect<Event, State> onStepDone(State state, StepDone done) {
        if (!done.cycleId().equals(state.cycleId()) || done.index() != state.step() || !state.stepRunning()) {
            return Effect().none();
        }
        StepEnded ended = new StepEnded(done.cycleId(), done.index(), done.ok(), done.detail(), clock.instant());
        String name = state.steps().get(done.index());
        return Effect().persist(ended).thenRun(s -> {
            if (done.ok()) {
                context.getLog().info("daily cycle {}: step {} succeeded: {}", done.cycleId(), name, done.detail());
            } else {
                context.getLog().warn("daily cycle {}: step {} failed: {}", done.cycleId(), name, done.detail());
            }
            CompletableFuture.runAsync(() -> log.stepEnded(done.cycleId(), name, ended), blocking)
                    .whenComplete((ok, failure) -> context.getSelf().tell(Next.INSTANCE));
        });
    }

    private void scheduleNext() {
        if (schedule.isEmpty()) {
            nextAt = null;
            return;
        }
        Instant now = clock.instant();
        nextAt = schedule.get().nextAfter(now);
        timers.startSingleTimer(DUE, new Due(nextAt), Duration.between(now, nextAt));
    }

    private String cycleId(String mode) {
        return mode + "-" + clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
