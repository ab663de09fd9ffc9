package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The node-wide budget shared by several publish stages, with outcomes completed by hand as PublishStageTest does. */
class PublishBudgetTest {

    static final ActorTestKit TESTKIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        TESTKIT.shutdownTestKit();
    }

    /**
     * Three stages with windows of 16 share a budget of 8 with a floor of 2: together they never hold more than
     * 8 + 3 × 2 messages (without the budget they would hold up to 48), every message's outcome leaves in order, and
     * every permit is back once they completed.
     */
    @Test
    void stagesTogetherHoldNoMoreThanTheBudgetAndTheirFloors() throws Exception {
        PublishBudget budget = PublishBudget.of(8, 2);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<CompletableFuture<List<Integer>>> runs = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            PublishStage<Integer, Integer> stage = new PublishStage<>(
                    16,
                    n -> {
                        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        CompletableFuture<Integer> outcome = new CompletableFuture<>();
                        CompletableFuture.delayedExecutor(
                                        ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS)
                                .execute(() -> {
                                    inFlight.decrementAndGet();
                                    outcome.complete(n);
                                });
                        return outcome;
                    },
                    PublishWindow.NONE,
                    budget);
            runs.add(Source.range(1, 1_000)
                    .via(stage)
                    .mapConcat(batch -> batch)
                    .runWith(Sink.seq(), TESTKIT.system())
                    .toCompletableFuture());
        }
        for (CompletableFuture<List<Integer>> run : runs) {
            assertThat(run.get(60, TimeUnit.SECONDS))
                    .containsExactlyElementsOf(
                            IntStream.rangeClosed(1, 1_000).boxed().toList());
        }
        // An outcome counts out of flight before it leaves its stage, so this bound is loose by nothing.
        assertThat(most.get()).isLessThanOrEqualTo(8 + 3 * 2).isGreaterThan(3 * 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.available() == 8);
        assertThat(budget.waiting()).isZero();
    }

    /**
     * One stage holds the whole budget (its outcomes never come); another, with nothing in flight, still takes its floor
     * and, with outcomes that come back, goes through all its messages. The second one's window hears it is full once
     * it waits for permits.
     */
    @Test
    void aStageWithinItsFloorProgressesWhileAnotherHoldsTheWholeBudget() throws Exception {
        PublishBudget budget = PublishBudget.of(4, 2);
        AtomicInteger hogTaken = new AtomicInteger();
        Pair<UniqueKillSwitch, java.util.concurrent.CompletionStage<List<Integer>>> hog = Source.range(1, 100)
                .via(new PublishStage<Integer, Integer>(
                        16,
                        n -> {
                            hogTaken.incrementAndGet();
                            return new CompletableFuture<>();
                        },
                        PublishWindow.NONE,
                        budget))
                // Shut down, the switch cancels the stage while its messages await their outcome.
                .viaMat(KillSwitches.single(), Keep.right())
                .mapConcat(batch -> batch)
                .toMat(Sink.seq(), Keep.both())
                .run(TESTKIT.system());
        // Its floor and the whole budget, and no more.
        await().atMost(Duration.ofSeconds(10)).until(() -> hogTaken.get() == 2 + 4);
        assertThat(budget.available()).isZero();

        List<Integer> quick = Source.range(1, 200)
                .via(new PublishStage<>(16, CompletableFuture::completedFuture, PublishWindow.NONE, budget))
                .mapConcat(batch -> batch)
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(quick)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 200).boxed().toList());
        assertThat(hogTaken.get()).isEqualTo(6);

        // A stage whose outcomes do not come back holds its floor and then waits for the budget, backpressured.
        List<String> windowEvents = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Integer>> waiterOutcomes = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<List<Integer>> waiter = Source.range(1, 10)
                .via(new PublishStage<Integer, Integer>(
                        16,
                        n -> {
                            CompletableFuture<Integer> outcome = new CompletableFuture<>();
                            waiterOutcomes.add(outcome);
                            return outcome;
                        },
                        recording(windowEvents),
                        budget))
                .mapConcat(batch -> batch)
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> windowEvents.equals(List.of("full")));
        assertThat(waiterOutcomes).hasSize(2);
        // The hog waits for more too.
        assertThat(budget.waiting()).isEqualTo(2);

        // The hog is cancelled: every permit it held comes back, and the waiting stage is woken and takes them.
        hog.first().shutdown();
        await().atMost(Duration.ofSeconds(10)).until(() -> waiterOutcomes.size() == 6);
        assertThat(windowEvents).startsWith("full", "drained");
        new ArrayList<>(waiterOutcomes).forEach(o -> o.complete(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiterOutcomes.size() == 10);
        new ArrayList<>(waiterOutcomes).forEach(o -> o.complete(0));
        assertThat(waiter.get(10, TimeUnit.SECONDS)).hasSize(10);
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.available() == 4);
        assertThat(budget.waiting()).isZero();
    }

    /** A stage that fails gives its permits back too, and so does one whose downstream cancels. */
    @Test
    void permitsComeBackWhenAStageFailsOrIsCancelled() throws Exception {
        PublishBudget budget = PublishBudget.of(4, 1);
        CompletableFuture<Integer> failing = new CompletableFuture<>();
        AtomicInteger taken = new AtomicInteger();
        CompletableFuture<List<Integer>> failed = Source.range(1, 100)
                .via(new PublishStage<Integer, Integer>(
                        16,
                        n -> {
                            taken.incrementAndGet();
                            return n == 1 ? failing : new CompletableFuture<>();
                        },
                        PublishWindow.NONE,
                        budget))
                .mapConcat(batch -> batch)
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 5);
        assertThat(budget.available()).isZero();
        failing.completeExceptionally(new IllegalStateException("boom"));
        await().atMost(Duration.ofSeconds(10)).until(failed::isCompletedExceptionally);
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.available() == 4);

        AtomicInteger cancelledTaken = new AtomicInteger();
        CompletableFuture<Integer> first = CompletableFuture.completedFuture(1);
        var cancelled = Source.range(1, 100)
                .via(new PublishStage<Integer, Integer>(
                        16,
                        n -> {
                            cancelledTaken.incrementAndGet();
                            return n == 1 ? first : new CompletableFuture<>();
                        },
                        PublishWindow.NONE,
                        budget))
                .take(1)
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture();
        assertThat(cancelled.get(10, TimeUnit.SECONDS)).containsExactly(List.of(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.available() == 4);
        assertThat(cancelledTaken.get()).isLessThanOrEqualTo(1 + 4);
    }

    @Test
    void aBudgetOfZeroBoundsNothingAndNonsenseIsRefused() {
        assertThat(PublishBudget.of(0)).isSameAs(PublishBudget.NONE);
        assertThat(PublishBudget.NONE.takeOrWait(() -> {})).isTrue();
        assertThatThrownBy(() -> PublishBudget.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static PublishWindow recording(List<String> events) {
        return new PublishWindow() {
            @Override
            public void full() {
                events.add("full");
            }

            @Override
            public void drained() {
                events.add("drained");
            }
        };
    }
}
