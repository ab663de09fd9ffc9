package io.ssmd.core.nats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * The publisher's window as a stage: at most {@code window} messages await their outcome, outcomes leave in input
 * order, and the stage pulls no more while full (the backpressure of DESIGN §5).
 *
 * <p>It does what {@code mapAsync(window, publish)} did, with two differences that paced a shard: {@code mapAsync}
 * hands every completed future back to the stream's actor as a message of its own, one mailbox round trip per PubAck.
 * Here a completion only sets a flag; the first one after the stage last looked wakes it once, and the stage then
 * takes every outcome completed at the head of the window. Under load, many PubAcks share one wake-up. And those
 * outcomes leave as one element, a list in input order, so the stages after it (failure ranges, the shard's outcome
 * sink) see one push per batch rather than one per message.
 *
 * <p>With a node's {@link PublishBudget}, the stage holds its budget's floor without asking and takes a permit for each
 * message beyond it; a permit goes back when its message's outcome leaves the stage, and every one when the stage
 * stops. Without a free permit it pulls no more and waits to be woken by the budget.
 *
 * <p>{@code window} hears when the stage stops taking messages, because its held messages (awaiting their outcome, or
 * completed but not yet passed on) reach the window's size or because it waits for the node's budget, and when it takes
 * them again: to the shard both are the same backpressure, the socket is not read.
 */
final class PublishStage<I, O> extends GraphStage<FlowShape<I, List<O>>> {

    private final Inlet<I> in = Inlet.create("PublishStage.in");
    private final Outlet<List<O>> out = Outlet.create("PublishStage.out");
    private final FlowShape<I, List<O>> shape = FlowShape.of(in, out);
    private final int size;
    private final Function<I, CompletableFuture<O>> publish;
    private final PublishWindow window;
    private final PublishBudget budget;

    PublishStage(int size, Function<I, CompletableFuture<O>> publish, PublishWindow window) {
        this(size, publish, window, PublishBudget.NONE);
    }

    PublishStage(int size, Function<I, CompletableFuture<O>> publish, PublishWindow window, PublishBudget budget) {
        if (size < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + size);
        }
        this.size = size;
        this.publish = publish;
        this.window = window;
        this.budget = budget;
    }

    @Override
    public FlowShape<I, List<O>> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
        return new GraphStageLogic(shape) {
            /** Held messages' outcomes, oldest first. */
            private final ArrayDeque<CompletableFuture<O>> held = new ArrayDeque<>();
            /** Set by the first completion since the stage last looked; cleared by the stage before it looks. */
            private final AtomicBoolean woken = new AtomicBoolean();

            private AsyncCallback<Object> wake;
            /** Messages held without the budget. */
            private final int floor = Math.min(size, budget.floor());
            /** Permits held: one for each held message beyond the floor. */
            private int permits;
            /** A permit taken for the message pulled and not yet pushed. */
            private boolean reserved;
            /** Whether the stage waits for a permit: registered with the budget and pulling nothing. */
            private boolean waitingForBudget;
            /** Whether the stage takes no messages (window full or no permit), as {@code window} last heard. */
            private boolean blocked;

            private AsyncCallback<Object> budgetWake;
            /** Registered with the budget: runs on the thread that returned permits, so it only wakes the stage. */
            private final Runnable waker = () -> budgetWake.invoke(Boolean.TRUE);

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        take(grab(in));
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (held.isEmpty()) {
                            completeStage();
                        }
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        emitHead();
                    }
                });
            }

            @Override
            public void preStart() {
                wake = createAsyncCallback(ignored -> onWake());
                budgetWake = createAsyncCallback(ignored -> onBudgetWake());
                pullIfRoom();
            }

            @Override
            public void postStop() {
                // Completion, failure or cancellation: the node gets back every permit this stage held.
                budget.leave(waker);
                budget.release(permits + (reserved ? 1 : 0));
                permits = 0;
                reserved = false;
            }

            private void take(I message) {
                // Pulled past the floor only with a permit taken (held messages only leave between pull and push, so
                // one pulled within the floor is pushed within it, and a permit taken then stays for the next message).
                if (held.size() >= floor && reserved) {
                    reserved = false;
                    permits++;
                }
                CompletableFuture<O> outcome = publish.apply(message);
                held.addLast(outcome);
                if (!outcome.isDone()) {
                    outcome.whenComplete((o, e) -> {
                        if (!woken.get() && woken.compareAndSet(false, true)) {
                            wake.invoke(Boolean.TRUE);
                        }
                    });
                }
                // Every push looks at the head, not only a wake-up: during a burst the stream's actor is busy with
                // the burst's frames, and a wake-up waits in its mailbox behind them, while the outcomes at the head
                // are already known.
                emitHead();
                pullIfRoom();
            }

            /**
             * Pulls the next message when the window has room and the message is within the floor or a permit is
             * free; else tells {@code window} the stage takes no more, and waits (for an outcome or a permit).
             */
            private void pullIfRoom() {
                if (isClosed(in)) {
                    stopWaiting();
                    if (held.size() < size) {
                        unblock();
                    }
                    return;
                }
                if (hasBeenPulled(in)) {
                    return;
                }
                if (held.size() >= size) {
                    block();
                    return;
                }
                if (held.size() >= floor && !reserved) {
                    if (!budget.takeOrWait(waker)) {
                        waitingForBudget = true;
                        block();
                        return;
                    }
                    reserved = true;
                }
                // Room may have come from an outcome rather than the budget: a wake-up under way goes to the next one.
                stopWaiting();
                unblock();
                pull(in);
            }

            private void stopWaiting() {
                if (waitingForBudget) {
                    waitingForBudget = false;
                    budget.leave(waker);
                }
            }

            private void onBudgetWake() {
                if (waitingForBudget) {
                    pullIfRoom();
                } else {
                    // Not waiting any more: the permits that woke this stage wake another.
                    budget.leave(waker);
                }
            }

            private void block() {
                if (!blocked) {
                    blocked = true;
                    window.full();
                }
            }

            private void unblock() {
                if (blocked) {
                    blocked = false;
                    window.drained();
                }
            }

            private void onWake() {
                // Cleared before looking: a completion from now on wakes the stage again.
                woken.set(false);
                emitHead();
            }

            /** Passes on every completed outcome at the head of the window, as one list, when downstream wants it. */
            private void emitHead() {
                if (!isAvailable(out)) {
                    return;
                }
                CompletableFuture<O> head = held.peekFirst();
                if (head == null || !head.isDone()) {
                    return;
                }
                List<O> batch = new ArrayList<>();
                while (head != null && head.isDone()) {
                    held.pollFirst();
                    try {
                        batch.add(head.join());
                    } catch (RuntimeException e) {
                        failStage(e);
                        return;
                    }
                    head = held.peekFirst();
                }
                int needed = Math.max(0, held.size() - floor);
                if (permits > needed) {
                    budget.release(permits - needed);
                    permits = needed;
                }
                push(out, batch);
                pullIfRoom();
                if (isClosed(in) && held.isEmpty()) {
                    completeStage();
                }
            }
        };
    }
}
