package io.ssmd.core.nats;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread on which every publisher's ack-deadline sweeps and retry backoffs run.
 *
 * <p>{@code CompletableFuture.delayedExecutor(delay, unit)} hands its task, once due, to {@code CompletableFuture}'s
 * default async pool, and on a machine with fewer than three cores (the common pool's parallelism is then 1) that pool
 * is a new thread per task. A connector's sweeps come every 10 ms per shard while acks are outstanding: the profile of
 * one Kraken shard at 10,000 msgs/s found about a thousand threads started and ended a minute, each costing a thread's
 * creation, its stack and its end, and a node with 64 shards would start thousands a second. The tasks here are short
 * (a sweep of the deadlines, or a publish attempt, which the client queues or refuses at once), so one daemon thread
 * serves them all.
 */
final class PublishTimer {

    static final String THREAD_NAME = "ssmd-publish-timer";

    private static final Logger log = LoggerFactory.getLogger(PublishTimer.class);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    });

    private PublishTimer() {}

    /** Runs {@code task} on the timer's thread after {@code delay}; a task that throws is logged, never lost silently. */
    static void after(long delay, TimeUnit unit, Runnable task) {
        TIMER.schedule(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        log.error("a publisher's timed task failed", e);
                    }
                },
                delay,
                unit);
    }
}
