package io.ssmd.core.shard;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * The inbound-silence watchdog: fails the connection when nothing arrives from the venue for {@code timeout}, counting
 * only time in which the shard was reading. While the publish window is full the socket is not read, so the clock
 * stops, and after the window drains it counts from then: a silent venue is told apart from NATS being down (which
 * {@code idleTimeout}, counting all time since the last element, could not do).
 */
final class SilenceWatchdog<T> extends GraphStage<FlowShape<T, T>> {

    private final Inlet<T> in = Inlet.create("SilenceWatchdog.in");
    private final Outlet<T> out = Outlet.create("SilenceWatchdog.out");
    private final FlowShape<T, T> shape = FlowShape.of(in, out);
    private final Duration timeout;
    private final ShardBackpressure window;

    SilenceWatchdog(Duration timeout, ShardBackpressure window) {
        this.timeout = timeout;
        this.window = window;
    }

    @Override
    public FlowShape<T, T> shape() {
        return shape;
    }

    /** How often silence is looked at: often enough that it is found within an eighth of the timeout past it. */
    static Duration checkEvery(Duration timeout) {
        Duration eighth = timeout.dividedBy(8);
        Duration floor = Duration.ofMillis(10);
        Duration ceiling = Duration.ofSeconds(1);
        return eighth.compareTo(floor) < 0 ? floor : eighth.compareTo(ceiling) > 0 ? ceiling : eighth;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
        return new TimerGraphStageLogic(shape) {
            private long lastNanos = System.nanoTime();

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        lastNanos = System.nanoTime();
                        push(out, grab(in));
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        pull(in);
                    }
                });
            }

            @Override
            public void preStart() {
                lastNanos = System.nanoTime();
                Duration every = checkEvery(timeout);
                scheduleWithFixedDelay("silence", every, every);
            }

            @Override
            public void onTimer(Object key) {
                if (window.backpressured()) {
                    return;
                }
                long drained = window.drainedNanos();
                long since = drained != 0 && drained - lastNanos > 0 ? drained : lastNanos;
                if (System.nanoTime() - since > timeout.toNanos()) {
                    failStage(new TimeoutException("no inbound traffic for " + timeout.toMillis() + " ms (watchdog)"));
                }
            }
        };
    }
}
