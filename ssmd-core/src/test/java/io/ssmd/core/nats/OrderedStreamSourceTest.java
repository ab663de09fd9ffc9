package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.RestartSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OrderedStreamSourceTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit TESTKIT = ActorTestKit.create();

    static final Duration PATIENCE = Duration.ofSeconds(60);

    static final OrderedStreamSource.Settings SETTINGS = new OrderedStreamSource.Settings(
            16,
            Duration.ofMillis(100),
            Duration.ofMillis(300),
            RestartSettings.create(Duration.ofMillis(10), Duration.ofMillis(50), 0.2),
            "pekko.actor.default-blocking-io-dispatcher");

    String env;
    String stream;
    Connection connection;

    @BeforeEach
    void freshStreamOfFiveMessages() throws Exception {
        env = NatsServerExtension.freshName("ordered").toLowerCase(Locale.ROOT);
        stream = Subjects.streamName(env, "kraken");
        connection = NATS.connect();
        new StreamSetup(connection.jetStreamManagement())
                .apply(
                        List.of(new StreamSpec(
                                stream,
                                List.of(Subjects.streamSubjects(env, "kraken")),
                                -1,
                                Duration.ofHours(1),
                                Duration.ofMinutes(2),
                                StreamSpec.Storage.FILE,
                                1)),
                        List.of(Subjects.marketData(env, "kraken", "trade", "*")));
        JetStream js = connection.jetStream();
        for (int i = 1; i <= 5; i++) {
            js.publish(
                    Subjects.marketData(env, "kraken", "trade", "BTC-USD"),
                    ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void readsFromTheStartSequenceTicksWhenIdleAndCompletesOnceStopped() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        List<Long> seqs = new CopyOnWriteArrayList<>();
        AtomicInteger ticksAfterTheLast = new AtomicInteger();
        CompletionStage<Done> done = OrderedStreamSource.create(
                        connection, stream, () -> 3, OptionalLong::empty, stopped::get, SETTINGS)
                .runForeach(
                        message -> message.ifPresentOrElse(
                                m -> seqs.add(m.metaData().streamSequence()), () -> {
                                    if (seqs.size() == 3) {
                                        ticksAfterTheLast.incrementAndGet();
                                    }
                                }),
                        TESTKIT.system());

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(seqs).containsExactly(3L, 4L, 5L);
            assertThat(ticksAfterTheLast).hasPositiveValue();
        });
        stopped.set(true);
        assertThat(done.toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(Done.getInstance());
    }

    @Test
    void aConsumerSilentWhileTheStreamHoldsMoreIsRecreatedFromTheReadersNextSequence() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        List<Long> seqs = new CopyOnWriteArrayList<>();
        AtomicInteger opens = new AtomicInteger();
        // The stream claims to hold up to 100, but has 5: the watchdog sees a stalled consumer after every quiet
        // stall-timeout and the source rebuilds it from where the reader says it stands, without repeating anything.
        CompletionStage<Done> done = OrderedStreamSource.create(
                        connection,
                        stream,
                        () -> {
                            opens.incrementAndGet();
                            return seqs.isEmpty() ? 1 : seqs.get(seqs.size() - 1) + 1;
                        },
                        () -> OptionalLong.of(100),
                        stopped::get,
                        SETTINGS)
                .runForeach(
                        message -> message.ifPresent(m -> seqs.add(m.metaData().streamSequence())), TESTKIT.system());

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(opens).hasValueGreaterThanOrEqualTo(3));
        assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L);
        stopped.set(true);
        done.toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aReaderThatMovesBackGetsAConsumerFromItsNewPosition() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        List<Long> seqs = new CopyOnWriteArrayList<>();
        AtomicLong next = new AtomicLong(1);
        AtomicInteger ticksAfterTheLast = new AtomicInteger();
        // The reader reads 1..5, then finds the stream reset below its position and asks for 2 again: the consumer,
        // waiting on 6, must be recreated from 2.
        CompletionStage<Done> done = OrderedStreamSource.create(
                        connection, stream, next::get, OptionalLong::empty, stopped::get, SETTINGS)
                .runForeach(
                        message -> message.ifPresentOrElse(
                                m -> {
                                    seqs.add(m.metaData().streamSequence());
                                    next.set(m.metaData().streamSequence() + 1);
                                },
                                () -> {
                                    if (seqs.size() == 5) {
                                        ticksAfterTheLast.incrementAndGet();
                                    }
                                }),
                        TESTKIT.system());

        // A few empty polls after the last message: the source has seen the reader at 6.
        await().atMost(PATIENCE).until(() -> ticksAfterTheLast.get() >= 3);
        assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L);
        next.set(2);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 2L, 3L, 4L, 5L));
        stopped.set(true);
        done.toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
}
