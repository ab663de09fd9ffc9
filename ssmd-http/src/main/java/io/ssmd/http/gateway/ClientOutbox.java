package io.ssmd.http.gateway;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * One WebSocket client's bounded queue of outgoing text messages (DESIGN §7), and the stream source that drains it.
 *
 * <p>The pipeline {@link #offer offers} without ever waiting: when the queue is full the OLDEST message goes, and the
 * client is told how many it lost ({@code {"type":"lag","dropped":N}}) before the next message it gets. A client is
 * <em>behind</em> from the first drop until its queue drains to half; one behind for longer than {@code maxLag} is
 * closed: its queue is emptied, it gets {@code {"type":"closing","reason":…}} as its last message and the connection
 * ends. A client that never reads at all cannot receive even that, so the connection is failed a few seconds later.
 *
 * <p>Drops alone cannot define "behind": they keep the queue's head fresh, so the oldest event's age says nothing.
 */
final class ClientOutbox {

    private final int capacity;
    private final long maxLagNanos;
    /** How long a closing client gets to read its last message before its connection is failed. */
    private final Duration closeGrace;

    private final GatewayMetrics metrics;
    private final LongSupplier nanoClock;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long dropsToReport;
    private long behindSinceNanos = -1;
    private String closeReason;
    private boolean sourceWaiting;
    private AsyncCallback<Object> wake;

    ClientOutbox(int capacity, Duration maxLag, Duration closeGrace, GatewayMetrics metrics, LongSupplier nanoClock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.maxLagNanos = maxLag.toNanos();
        this.closeGrace = closeGrace;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    /**
     * Queues a message; never blocks. Returns false when the client is closed (or closing), so the caller can forget
     * it.
     */
    boolean offer(String message) {
        if (closeIfBehindTooLong()) {
            return false;
        }
        AsyncCallback<Object> toWake = null;
        synchronized (this) {
            if (closeReason != null) {
                return false;
            }
            if (queue.size() >= capacity) {
                queue.pollFirst();
                dropsToReport++;
                metrics.dropped(1);
                if (behindSinceNanos < 0) {
                    behindSinceNanos = nanoClock.getAsLong();
                }
            }
            queue.addLast(message);
            if (sourceWaiting && wake != null) {
                sourceWaiting = false;
                toWake = wake;
            }
        }
        if (toWake != null) {
            toWake.invoke(Boolean.TRUE);
        }
        return true;
    }

    /** Closes the client when it has been behind longer than the limit; true when it is (now) closing. */
    boolean closeIfBehindTooLong() {
        long since;
        synchronized (this) {
            if (closeReason != null) {
                return true;
            }
            since = behindSinceNanos;
        }
        if (since >= 0 && nanoClock.getAsLong() - since > maxLagNanos) {
            metrics.slowClientClosed();
            close("behind for more than " + Duration.ofNanos(maxLagNanos).toMillis() + " ms: the queue of " + capacity
                    + " messages overflowed and did not drain to half (gateway.max-lag)");
            return true;
        }
        return false;
    }

    /** Drops what is queued and ends the connection after one last {@code closing} message with this reason. */
    void close(String reason) {
        AsyncCallback<Object> toWake;
        synchronized (this) {
            if (closeReason != null) {
                return;
            }
            closeReason = reason;
            queue.clear();
            toWake = wake;
            sourceWaiting = false;
        }
        if (toWake != null) {
            toWake.invoke(Boolean.TRUE);
        }
    }

    synchronized boolean isClosing() {
        return closeReason != null;
    }

    /** Messages waiting now. */
    synchronized int size() {
        return queue.size();
    }

    /** The next message for the socket, or null when there is none (the source then waits for a wake-up). */
    private synchronized Next next() {
        // Drops are reported before anything else, the closing message included: the client should know its hole.
        if (dropsToReport > 0) {
            String lag = GatewayJson.lag(dropsToReport);
            dropsToReport = 0;
            return new Next(lag, false);
        }
        if (closeReason != null) {
            return new Next(GatewayJson.closing(closeReason), true);
        }
        String message = queue.pollFirst();
        if (message == null) {
            sourceWaiting = true;
            return null;
        }
        if (behindSinceNanos >= 0 && queue.size() <= capacity / 2) {
            behindSinceNanos = -1;
        }
        return new Next(message, false);
    }

    private synchronized void attach(AsyncCallback<Object> callback) {
        if (wake != null) {
            throw new IllegalStateException("a client outbox feeds one stream only");
        }
        wake = callback;
    }

    private record Next(String message, boolean last) {}

    /** The source a WebSocket's outgoing side reads from; materialize it once. */
    GraphStage<SourceShape<String>> source() {
        return new Stage();
    }

    private static final String LAG_CHECK = "lag-check";
    private static final String FORCE_CLOSE = "force-close";

    private final class Stage extends GraphStage<SourceShape<String>> {

        private final Outlet<String> out = Outlet.create("ClientOutbox.out");
        private final SourceShape<String> shape = SourceShape.of(out);

        @Override
        public SourceShape<String> shape() {
            return shape;
        }

        @Override
        public GraphStageLogic createLogic(Attributes inheritedAttributes) {
            return new TimerGraphStageLogic(shape) {
                private boolean finishing;

                {
                    setHandler(out, new AbstractOutHandler() {
                        @Override
                        public void onPull() {
                            deliver();
                        }
                    });
                }

                @Override
                public void preStart() {
                    attach(createAsyncCallback(ignored -> {
                        if (isAvailable(out)) {
                            deliver();
                        }
                    }));
                    Duration check = Duration.ofNanos(Math.max(
                            Duration.ofMillis(50).toNanos(),
                            Math.min(maxLagNanos / 4, Duration.ofSeconds(1).toNanos())));
                    scheduleWithFixedDelay(LAG_CHECK, check, check);
                }

                @Override
                public void onTimer(Object key) {
                    if (FORCE_CLOSE.equals(key)) {
                        failStage(new SlowClientException("the client did not read its closing message within "
                                + closeGrace.toMillis() + " ms (gateway.close-grace)"));
                    } else if (closeIfBehindTooLong() && !finishing) {
                        finishing = true;
                        scheduleOnce(FORCE_CLOSE, closeGrace);
                    }
                }

                private void deliver() {
                    Next next = next();
                    if (next == null) {
                        return;
                    }
                    push(out, next.message());
                    metrics.sent();
                    if (next.last()) {
                        completeStage();
                    }
                }
            };
        }
    }

    /** Ends the connection of a client that was closed for being slow and did not even read why. */
    static final class SlowClientException extends RuntimeException {
        SlowClientException(String message) {
            super(message);
        }
    }
}
