package io.ssmd.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.GatewaySpec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The slow-client policy on one outbox, with a clock the test moves. */
class ClientOutboxTest {

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(
            Behaviors.empty(),
            "outbox-test",
            // Long enough for the failure that comes only after the close grace.
            ConfigFactory.parseString("pekko.test.single-expect-default = 15 s").withFallback(ConfigFactory.load()));

    private final AtomicLong clock = new AtomicLong();
    private final GatewayMetrics metrics = GatewayMetrics.create(new PrometheusRegistry());

    @AfterAll
    static void stop() {
        SYSTEM.terminate();
    }

    private ClientOutbox outbox(int capacity, Duration maxLag) {
        return new ClientOutbox(capacity, maxLag, GatewaySpec.DEFAULT_CLOSE_GRACE, metrics, clock::get);
    }

    private static TestSubscriber.Probe<String> drain(ClientOutbox outbox) {
        return Source.fromGraph(outbox.source()).runWith(TestSink.probe(SYSTEM.classicSystem()), SYSTEM);
    }

    @Test
    void aFullQueueDropsTheOldestAndTellsTheClientHowMany() {
        ClientOutbox outbox = outbox(4, Duration.ofSeconds(10));
        for (int i = 1; i <= 10; i++) {
            assertThat(outbox.offer("m" + i)).isTrue();
        }
        TestSubscriber.Probe<String> client = drain(outbox);
        client.request(5);
        client.expectNext("{\"type\":\"lag\",\"dropped\":6}", "m7", "m8", "m9", "m10");
        assertThat(metrics.droppedTotal()).isEqualTo(6);
        assertThat(metrics.messagesSent()).isEqualTo(5);

        outbox.offer("m11");
        client.request(1);
        client.expectNext("m11");
    }

    @Test
    void aClientBehindLongerThanMaxLagIsClosedWithAReason() {
        ClientOutbox outbox = outbox(2, Duration.ofSeconds(1));
        outbox.offer("m1");
        outbox.offer("m2");
        outbox.offer("m3");
        clock.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(outbox.closeIfBehindTooLong()).isFalse();
        clock.addAndGet(Duration.ofMillis(2).toNanos());
        assertThat(outbox.offer("m4")).isFalse();

        TestSubscriber.Probe<String> client = drain(outbox);
        client.request(10);
        // The queue is emptied at the close, but the client still learns of the drop before it is told why it goes.
        client.expectNext("{\"type\":\"lag\",\"dropped\":1}");
        assertThat(client.expectNext())
                .startsWith("{\"type\":\"closing\",\"reason\":\"behind for more than 1000 ms")
                .contains("gateway.max-lag");
        client.expectComplete();
        assertThat(outbox.offer("m5")).isFalse();
    }

    @Test
    void aClientThatDrainsToHalfIsNoLongerBehind() {
        ClientOutbox outbox = outbox(4, Duration.ofSeconds(1));
        for (int i = 1; i <= 5; i++) {
            outbox.offer("m" + i);
        }
        TestSubscriber.Probe<String> client = drain(outbox);
        client.request(3);
        client.expectNext("{\"type\":\"lag\",\"dropped\":1}", "m2", "m3");
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(outbox.closeIfBehindTooLong()).isFalse();
        assertThat(outbox.offer("m6")).isTrue();
    }

    @Test
    void aClientThatReadsNothingIsFailedAfterTheGrace() {
        ClientOutbox outbox = outbox(2, Duration.ofMillis(200));
        TestSubscriber.Probe<String> client = drain(outbox);
        client.ensureSubscription();
        outbox.offer("m1");
        outbox.offer("m2");
        outbox.offer("m3");
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        // No demand: not even the closing message can go out, so the stage's own timer fails the stream.
        Throwable error = client.expectError();
        assertThat(error).isInstanceOf(ClientOutbox.SlowClientException.class);
        assertThat(outbox.isClosing()).isTrue();
    }
}
