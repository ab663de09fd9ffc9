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
 * <p>{@code window} hears when the held messages (awaiting their outcome, or completed but not yet passed on) reach
 * the window's size and when they drop below it again, as the counting around {@code mapAsync} did.
 */
final class PublishStage<I, O> extends GraphStage<FlowShape<I, List<O>>> {

    private final Inlet<I> in = Inlet.create("PublishStage.in");
    private final Outlet<List<O>> out = Outlet.create("PublishStage.out");
    private final FlowShape<I, List<O>> shape = FlowShape.of(in, out);
    private final int size;
    private final Function<I, CompletableFuture<O>> publish;
    private final PublishWindow window;

    PublishStage(int size, Function<I, CompletableFuture<O>> publish, PublishWindow window) {
        if (size < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + size);
        }
        this.size = size;
        this.publish = publish;
        this.window = window;
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
                pull(in);
            }

            private void take(I message) {
                CompletableFuture<O> outcome = publish.apply(message);
                held.addLast(outcome);
                if (held.size() == size) {
                    window.full();
                }
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
                if (held.size() < size && !hasBeenPulled(in) && !isClosed(in)) {
                    pull(in);
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
                boolean wasFull = held.size() >= size;
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
                if (wasFull) {
                    window.drained();
                }
                push(out, batch);
                if (isClosed(in)) {
                    if (held.isEmpty()) {
                        completeStage();
                    }
                } else if (!hasBeenPulled(in)) {
                    pull(in);
                }
            }
        };
    }
}
