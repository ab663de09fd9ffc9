package io.ssmd.data.replay;

import java.util.concurrent.locks.LockSupport;

/** The clock a replay is paced by: the system's, or a test's that records the schedule instead of waiting. */
public interface ReplayClock {

    /** The system clock: {@link System#nanoTime()}, and parking until a deadline. */
    ReplayClock SYSTEM = new ReplayClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void waitUntil(long deadlineNanos) throws InterruptedException {
            long left;
            while ((left = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("replay stopped while waiting for the next message's time");
                }
            }
        }
    };

    /** A monotonic time in nanoseconds. */
    long nanoTime();

    /**
     * Returns at {@code deadlineNanos} ({@link #nanoTime()}'s scale) or later.
     *
     * @throws InterruptedException when the replay is stopped meanwhile
     */
    void waitUntil(long deadlineNanos) throws InterruptedException;
}
