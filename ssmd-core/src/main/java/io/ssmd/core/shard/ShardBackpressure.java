package io.ssmd.core.shard;

import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.nats.PublishWindow;
import java.time.Duration;

/**
 * One connection's publish window as its shard sees it. While the window is full (NATS slow or unreachable) the venue
 * socket is not read: the shard keeps it, shows {@code backpressured}, and its silence watchdogs wait, since silence is
 * then no sign of the venue. What the venue sent meanwhile is unknown, so a window full for at least
 * {@code gapAfter} is announced as a {@code backpressure} control event, from full to drained (or to the end of the
 * connection, when it ends full). Thread-safe: the window's signals come from the stream, the actor reads.
 */
final class ShardBackpressure implements PublishWindow {

    private final Duration gapAfter;
    private final ShardEvents events;
    private boolean full;
    private long fullSinceNanos;
    private long fullSinceMicros;
    private volatile boolean backpressured;
    /** When the window last had room again after being full; 0 before that. */
    private volatile long drainedNanos;

    ShardBackpressure(Duration gapAfter, ShardEvents events) {
        this.gapAfter = gapAfter;
        this.events = events;
    }

    @Override
    public synchronized void full() {
        full = true;
        backpressured = true;
        fullSinceNanos = System.nanoTime();
        fullSinceMicros = EpochMicros.now();
    }

    @Override
    public synchronized void drained() {
        end("the publish window drained");
        drainedNanos = System.nanoTime();
    }

    /** The connection ended: a window still full ends its backpressure here. */
    synchronized void connectionEnded() {
        end("the connection ended with the publish window full");
    }

    private void end(String how) {
        if (!full) {
            return;
        }
        full = false;
        backpressured = false;
        long lasted = System.nanoTime() - fullSinceNanos;
        if (lasted >= gapAfter.toNanos()) {
            events.backpressure(fullSinceMicros, lasted / 1_000_000, how);
        }
    }

    /** Whether the window is full now: the socket is not being read. */
    boolean backpressured() {
        return backpressured;
    }

    /** When the window last drained after being full ({@link System#nanoTime()}), or 0 when it never was full. */
    long drainedNanos() {
        return drainedNanos;
    }

    /** Milliseconds since the window last drained, or {@link Long#MAX_VALUE} when it never was full. */
    long sinceDrainedMs() {
        long drained = drainedNanos;
        return drained == 0 ? Long.MAX_VALUE : (System.nanoTime() - drained) / 1_000_000;
    }
}
