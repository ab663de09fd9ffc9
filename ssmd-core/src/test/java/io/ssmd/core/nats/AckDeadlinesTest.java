package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AckDeadlinesTest {

    /**
     * Each attempt expires once its time is up, unless it settled, and every sweep runs on the one publisher timer
     * thread: {@code CompletableFuture.delayedExecutor} without an executor started a new thread per sweep on a
     * machine with fewer than three cores.
     */
    @Test
    void expiredAttemptsAreSweptOnOneSharedThread() {
        AckDeadlines deadlines = new AckDeadlines(Duration.ofMillis(5));
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger expired = new AtomicInteger();
        AtomicInteger settledExpired = new AtomicInteger();
        int attempts = 40;
        for (int i = 0; i < attempts; i++) {
            boolean settled = i % 2 == 0;
            deadlines.watch(
                    new AckDeadlines.Watched() {
                        @Override
                        public boolean settled(int attempt) {
                            threads.add(Thread.currentThread().getName());
                            return settled;
                        }

                        @Override
                        public void expire(int attempt) {
                            threads.add(Thread.currentThread().getName());
                            (settled ? settledExpired : expired).incrementAndGet();
                        }
                    },
                    1);
        }
        // The sweep re-arms every millisecond until the queue is empty: several sweeps, several chances for a new
        // thread.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(expired).hasValue(attempts / 2));
        assertThat(settledExpired).hasValue(0);
        assertThat(threads).containsExactly(PublishTimer.THREAD_NAME);
    }
}
