package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.MessageInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.StreamContents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PublisherTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit TESTKIT = ActorTestKit.create();

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final long EPOCH = 1_767_225_600_000_000L;

    String env;
    String stream;
    Connection connection;
    JetStream jetStream;
    ConnectorMetrics metrics;
    ControlEventPublisher control;

    @BeforeEach
    void freshStream() throws Exception {
        env = NatsServerExtension.freshName("pub").toLowerCase(Locale.ROOT);
        stream = Subjects.streamName(env, "kraken");
        connection = NATS.connect();
        jetStream = connection.jetStream();
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
        metrics = ConnectorMetrics.create(new PrometheusRegistry());
    }

    @AfterEach
    void closeControl() {
        if (control != null) {
            control.close();
        }
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void publishesThePayloadByteForByteWithTheSsmdHeaders() throws Exception {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        byte[] json = "[{\"symbol\":\"BTC/USD\",\n \"price\":\"97000.10\"}]".getBytes(StandardCharsets.UTF_8);
        OutboundMessage first = message(7, 0, binary);
        OutboundMessage second = message(7, 1, json);

        List<PublishOutcome> outcomes = run(List.of(first, second), settings(16, 3, Duration.ofSeconds(5)));

        assertThat(outcomes)
                .extracting(PublishOutcome::status)
                .containsExactly(PublishOutcome.Status.STORED, PublishOutcome.Status.STORED);
        List<MessageInfo> stored = StreamContents.readAll(connection, stream);
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).getData()).isEqualTo(binary);
        assertThat(stored.get(1).getData()).isEqualTo(json);
        assertThat(stored.get(0).getSubject()).isEqualTo(subject());
        assertThat(stored.get(0).getHeaders().getFirst("Nats-Msg-Id")).isEqualTo("kraken-0:" + EPOCH + ":7:0");
        assertThat(stored.get(1).getHeaders().getFirst("Nats-Msg-Id")).isEqualTo("kraken-0:" + EPOCH + ":7:1");
        assertThat(stored.get(0).getHeaders().getFirst("Ssmd-Received-At")).isEqualTo(Long.toString(EPOCH + 7));
        assertThat(stored.get(0).getHeaders().getFirst("Ssmd-Shard")).isEqualTo("kraken-0");
        assertThat(outcomes)
                .extracting(PublishOutcome::streamSequence)
                .containsExactly(stored.get(0).getSeq(), stored.get(1).getSeq());
        assertThat(metrics.publishSeconds().collect().getDataPoints().get(0).getCount())
                .isEqualTo(2);
    }

    @Test
    void theSameMessageIdPublishedTwiceIsStoredOnceAndCountedAsDuplicate() throws Exception {
        OutboundMessage message = message(1, 0, "{}".getBytes(StandardCharsets.UTF_8));

        List<PublishOutcome> outcomes = run(List.of(message, message), settings(1, 3, Duration.ofSeconds(5)));

        assertThat(outcomes)
                .extracting(PublishOutcome::status)
                .containsExactly(PublishOutcome.Status.STORED, PublishOutcome.Status.DUPLICATE);
        assertThat(outcomes.get(1).streamSequence()).isEqualTo(outcomes.get(0).streamSequence());
        assertThat(StreamContents.count(connection, stream)).isEqualTo(1);
        assertThat(metrics.duplicates().labelValues("kraken", "kraken-0").get()).isEqualTo(1.0);
    }

    @Test
    void anAttemptRefusedWhileNatsIsAwayIsRetriedAndStoredOnceWhenItIsBack() throws Exception {
        NATS.stop();
        awaitDisconnected();
        // The client holds nothing back while NATS is away: each attempt is refused at once and ends after the ack
        // timeout; the first one after NATS is back is stored, and only it.
        CompletionStage<List<PublishOutcome>> outcomes = Source.single(
                        message(3, 0, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .via(publisher(settings(4, 20, Duration.ofMillis(300))))
                .runWith(Sink.seq(), TESTKIT.system());
        await().atMost(PATIENCE)
                .until(() -> metrics.publishRetries()
                                .labelValues("kraken", "kraken-0")
                                .get()
                        >= 1);
        NATS.start();

        PublishOutcome outcome = outcomes.toCompletableFuture()
                .get(PATIENCE.toSeconds(), TimeUnit.SECONDS)
                .get(0);

        assertThat(outcome.acked()).isTrue();
        assertThat(outcome.attempts()).isGreaterThanOrEqualTo(2);
        assertThat(StreamContents.count(connection, stream)).isEqualTo(1);
        assertThat(metrics.publishFailed().labelValues("kraken", "kraken-0").get())
                .isZero();
    }

    @Test
    void aFullWindowStopsPullingFromUpstreamUntilAcksArrive() throws Exception {
        int window = 8;
        int total = 3 * window;
        AtomicInteger pulled = new AtomicInteger();
        NATS.stop();
        awaitDisconnected();

        CompletionStage<List<PublishOutcome>> outcomes = Source.fromIterator(() -> numbered(total, pulled))
                .via(publisher(settings(window, 10, Duration.ofSeconds(2))))
                .runWith(Sink.seq(), TESTKIT.system());

        await().atMost(PATIENCE).until(() -> pulled.get() == window);
        await().during(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> pulled.get() == window);
        NATS.start();
        List<PublishOutcome> done = outcomes.toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(pulled.get()).isEqualTo(total);
        assertThat(done).hasSize(total).allMatch(PublishOutcome::acked);
        assertThat(done)
                .extracting(o -> o.message().frame())
                .containsExactlyElementsOf(LongStream.range(0, total).boxed().toList());
        assertThat(StreamContents.count(connection, stream)).isEqualTo(total);
    }

    OutboundMessage message(long frame, int element, byte[] payload) {
        return new OutboundMessage(subject(), payload, "kraken", "kraken-0", EPOCH, frame, element, EPOCH + frame);
    }

    String subject() {
        return Subjects.marketData(env, "kraken", "trade", "BTC-USD");
    }

    Iterator<OutboundMessage> numbered(int total, AtomicInteger pulled) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pulled.get() < total;
            }

            @Override
            public OutboundMessage next() {
                int n = pulled.getAndIncrement();
                return message(n, 0, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    Flow<OutboundMessage, PublishOutcome, NotUsed> publisher(PublisherSettings settings) {
        control = ControlEventPublisher.create(connection, env, settings, metrics);
        return Publisher.flow(jetStream, settings, metrics, control);
    }

    List<PublishOutcome> run(List<OutboundMessage> messages, PublisherSettings settings) throws Exception {
        return Source.from(messages)
                .via(publisher(settings))
                .runWith(Sink.seq(), TESTKIT.system())
                .toCompletableFuture()
                .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    void awaitDisconnected() {
        await().atMost(PATIENCE).until(() -> connection.getStatus() != Connection.Status.CONNECTED);
    }

    static PublisherSettings settings(int window, int maxAttempts, Duration ackTimeout) {
        return new PublisherSettings(window, maxAttempts, Duration.ofMillis(100), ackTimeout, 10_000);
    }
}
