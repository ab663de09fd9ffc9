package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PublishStageTest {

    static final ActorTestKit TESTKIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        TESTKIT.shutdownTestKit();
    }

    /** Outcomes completed out of order, on other threads, leave in input order; none is lost; the window holds. */
    @Test
    void outcomesLeaveInInputOrderWithinTheWindow() throws Exception {
        int window = 16;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
        List<String> windowEvents = java.util.Collections.synchronizedList(new ArrayList<>());
        PublishStage<Integer, Integer> stage = new PublishStage<>(
                window,
                n -> {
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    seen.put(n, true);
                    CompletableFuture<Integer> outcome = new CompletableFuture<>();
                    if (n % 7 == 0) {
                        outcome.complete(n); // completed at once, as a refused publish is
                        inFlight.decrementAndGet();
                        return outcome;
                    }
                    CompletableFuture.delayedExecutor(
                                    ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS)
                            .execute(() -> {
                                inFlight.decrementAndGet();
                                outcome.complete(n);
                            });
                    return outcome;
                },
                new PublishWindow() {
                    @Override
                    public void full() {
                        windowEvents.add("full");
                    }

                    @Override
                    public void drained() {
                        windowEvents.add("drained");
                    }
                });
        List<Integer> out = Source.range(1, 2_000)
                .via(stage)
                .mapConcat(batch -> {
                    assertThat(batch).isNotEmpty();
                    return batch;
                })
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        assertThat(out)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 2_000).boxed().toList());
        assertThat(most.get()).isLessThanOrEqualTo(window);
        assertThat(seen).hasSize(2_000);
        // full and drained alternate, starting with full.
        for (int i = 0; i < windowEvents.size(); i++) {
            assertThat(windowEvents.get(i)).isEqualTo(i % 2 == 0 ? "full" : "drained");
        }
    }

    /** The stage completes after the last outcome, not when its upstream completes. */
    @Test
    void completesAfterTheLastOutcome() throws Exception {
        CompletableFuture<Integer> late = new CompletableFuture<>();
        PublishStage<Integer, Integer> stage = new PublishStage<>(4, n -> late, PublishWindow.NONE);
        CompletableFuture<List<List<Integer>>> out = Source.single(1)
                .via(stage)
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !out.isDone());
        late.complete(42);
        assertThat(out.get(10, TimeUnit.SECONDS)).containsExactly(List.of(42));
    }

    /**
     * Outcomes completed while downstream was not asking leave as one element, in input order, and an outcome not yet
     * known holds back the ones after it: the stages after the publisher run once per batch, not once per PubAck.
     */
    @Test
    void completedOutcomesLeaveAsOneBatchInInputOrder() {
        List<CompletableFuture<Integer>> outcomes = IntStream.range(0, 6)
                .mapToObj(i -> new CompletableFuture<Integer>())
                .toList();
        AtomicInteger taken = new AtomicInteger();
        PublishStage<Integer, Integer> stage = new PublishStage<>(
                8,
                n -> {
                    taken.incrementAndGet();
                    return outcomes.get(n);
                },
                PublishWindow.NONE);
        var probes = Source.range(0, 5) // inclusive: six messages
                .via(stage)
                .toMat(org.apache.pekko.stream.testkit.javadsl.TestSink.create(TESTKIT.system()), Keep.right())
                .run(TESTKIT.system());
        probes.ensureSubscription();
        await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 6);
        // Completed out of order, before anyone asks: 2, 1, 0 and 4; 3 is not known yet.
        outcomes.get(2).complete(2);
        outcomes.get(1).complete(1);
        outcomes.get(0).complete(0);
        outcomes.get(4).complete(4);
        probes.request(1);
        assertThat(probes.expectNext()).containsExactly(0, 1, 2);
        probes.request(1);
        probes.expectNoMessage(Duration.ofMillis(100));
        outcomes.get(5).complete(5);
        outcomes.get(3).complete(3);
        assertThat(probes.expectNext()).containsExactly(3, 4, 5);
        probes.expectComplete();
    }

    /**
     * An outcome known at the head of the window leaves with the next message's push, without waiting for its
     * completion's wake-up: in a burst the stream's actor is busy with the burst, and the wake-up waits in its mailbox
     * behind it. Here completions never announce themselves, so only the push can let outcome 0 out; it is completed
     * while the stage takes message 1 (whose own outcome is not known), as an ack arrives while a burst is read.
     */
    @Test
    void aKnownOutcomeLeavesWithTheNextPush() {
        List<CompletableFuture<Integer>> outcomes = IntStream.range(0, 2)
                .mapToObj(i -> (CompletableFuture<Integer>) new UnannouncedFuture<Integer>())
                .toList();
        PublishStage<Integer, Integer> stage = new PublishStage<>(
                8,
                n -> {
                    if (n == 1) {
                        outcomes.get(0).complete(0);
                    }
                    return outcomes.get(n);
                },
                PublishWindow.NONE);
        var probes = org.apache.pekko.stream.testkit.javadsl.TestSource.<Integer>probe(
                        TESTKIT.system().classicSystem())
                .via(stage)
                .toMat(org.apache.pekko.stream.testkit.javadsl.TestSink.create(TESTKIT.system()), Keep.both())
                .run(TESTKIT.system());
        var upstream = probes.first();
        var downstream = probes.second();
        downstream.request(1);
        upstream.sendNext(0);
        downstream.expectNoMessage(Duration.ofMillis(100));
        upstream.sendNext(1);
        assertThat(downstream.expectNext(Duration.ofSeconds(5))).containsExactly(0);
    }

    /** A future whose completion reaches nobody who registered with {@code whenComplete}: no wake-up. */
    private static final class UnannouncedFuture<T> extends CompletableFuture<T> {
        @Override
        public CompletableFuture<T> whenComplete(java.util.function.BiConsumer<? super T, ? super Throwable> action) {
            return new CompletableFuture<>();
        }
    }
}
