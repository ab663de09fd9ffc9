package io.ssmd.core.nats;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ack timeouts for many publish attempts at the cost of a queue append each. A timer per attempt
 * ({@code CompletableFuture.orTimeout}) costs a scheduling and a cancellation in a shared, locked heap per message,
 * about a tenth of the publisher's CPU samples in the benchmark's profile. Every attempt here has the same timeout, so
 * deadlines arrive in the order attempts were made: a FIFO holds them, and one sweep at a time, scheduled only while
 * attempts are outstanding, drops the settled ones from its head and expires those whose time is up.
 *
 * <p>An attempt expires at most 10 ms (or {@code timeout / 16}, when smaller) late. Sweeps run on the one
 * {@link PublishTimer} thread that all publishers share.
 */
final class AckDeadlines {

    /** Something awaiting its ack; {@link #expire} is called once its deadline passed unless it had settled. */
    interface Watched {
        /** Whether attempt {@code attempt} no longer needs its deadline (acked, failed, or superseded). */
        boolean settled(int attempt);

        /** Attempt {@code attempt} got no ack in time. */
        void expire(int attempt);
    }

    /**
     * How often the queue is swept while attempts are outstanding. Sweeping only every {@code timeout / 16} (300 ms)
     * cost the publisher about a tenth of its rate in the benchmark, most likely because each entry keeps its whole
     * message alive past young collections; at 10 ms the cost no longer shows.
     */
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long timeoutNanos;
    private final long slackNanos;
    private final ConcurrentLinkedQueue<Deadline> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean armed = new AtomicBoolean();

    AckDeadlines(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.slackNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(SWEEP_INTERVAL_NANOS, timeoutNanos / 16));
    }

    /** Starts the clock for {@code attempt} of {@code watched}. */
    void watch(Watched watched, int attempt) {
        queue.offer(new Deadline(watched, attempt, System.nanoTime() + timeoutNanos));
        arm(slackNanos);
    }

    /** Sweeps come every {@link #SWEEP_INTERVAL_NANOS} (at most) while attempts are outstanding. */
    private void arm(long delayNanos) {
        if (!armed.get() && armed.compareAndSet(false, true)) {
            PublishTimer.after(delayNanos, TimeUnit.NANOSECONDS, this::sweep);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        Deadline head;
        while ((head = queue.peek()) != null) {
            boolean settled = head.watched.settled(head.attempt);
            if (!settled && head.at - now > 0) {
                break;
            }
            queue.poll();
            if (!settled) {
                head.watched.expire(head.attempt);
            }
        }
        armed.set(false);
        if (!queue.isEmpty()) {
            arm(slackNanos);
        }
    }

    private record Deadline(Watched watched, int attempt, long at) {}
}
