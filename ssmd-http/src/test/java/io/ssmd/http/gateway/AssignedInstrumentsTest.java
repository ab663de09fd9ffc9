package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The assigned instruments are asked for at most once per max age, and a failed answer keeps the last good one. */
class AssignedInstrumentsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicReference<CompletionStage<Map<String, Set<String>>>> answer = new AtomicReference<>();
    private final AssignedInstruments assigned = new AssignedInstruments(
            () -> {
                asked.incrementAndGet();
                return answer.get();
            },
            Duration.ofSeconds(1),
            nanos::get);

    @Test
    void askedOncePerMaxAgeHoweverManySubscribesComeIn() {
        answer.set(CompletableFuture.completedFuture(Map.of("kraken", Set.of("BTC/USD"))));
        for (int i = 0; i < 1000; i++) {
            assertThat(join(assigned.now())).containsEntry("kraken", Set.of("BTC/USD"));
        }
        assertThat(asked).hasValue(1);

        answer.set(CompletableFuture.completedFuture(Map.of("kraken", Set.of("BTC/USD", "ETH/USD"))));
        nanos.addAndGet(Duration.ofMillis(1001).toNanos());
        assertThat(join(assigned.now())).containsEntry("kraken", Set.of("BTC/USD", "ETH/USD"));
        assertThat(asked).hasValue(2);
    }

    @Test
    void aFailedQuestionKeepsTheLastAnswerAndIsAskedAgainNextTime() {
        answer.set(CompletableFuture.completedFuture(Map.of("kraken", Set.of("BTC/USD"))));
        join(assigned.now());
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        answer.set(CompletableFuture.failedFuture(new IllegalStateException("registry timed out")));
        assertThat(join(assigned.now())).containsEntry("kraken", Set.of("BTC/USD"));
        answer.set(CompletableFuture.completedFuture(Map.of("kraken", Set.of("ETH/USD"))));
        assertThat(join(assigned.now())).containsEntry("kraken", Set.of("ETH/USD"));
        assertThat(asked).hasValue(3);
    }

    @Test
    void everyShardsInstrumentsCountForItsFeed() {
        assertThat(AssignedInstruments.byFeed(List.of(
                        GatewayTestNode.shard("kalshi", "kalshi-0", List.of("A", "B")),
                        GatewayTestNode.shard("kalshi", "kalshi-1", List.of("C")))))
                .isEqualTo(Map.of("kalshi", Set.of("A", "B", "C")));
    }

    private static Map<String, Set<String>> join(CompletionStage<Map<String, Set<String>>> stage) {
        return stage.toCompletableFuture().join();
    }
}
