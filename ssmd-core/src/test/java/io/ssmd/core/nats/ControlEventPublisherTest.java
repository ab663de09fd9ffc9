package io.ssmd.core.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.StreamContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControlEventPublisherTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private String env;
    private String stream;
    private Connection connection;
    private ConnectorMetrics metrics;
    private ControlEventPublisher publisher;

    @BeforeEach
    void freshStream() {
        env = NatsServerExtension.freshName("ctl").toLowerCase(Locale.ROOT);
        stream = Subjects.streamName(env, "kraken");
        connection = NATS.connect();
        new StreamSetup(jetStreamManagement())
                .apply(
                        List.of(new StreamSpec(
                                stream,
                                List.of(Subjects.streamSubjects(env, "kraken")),
                                -1,
                                Duration.ofHours(1),
                                Duration.ofMinutes(2),
                                StreamSpec.Storage.FILE,
                                1)),
                        List.of(Subjects.control(env, "kraken", "*", "*")));
        metrics = ConnectorMetrics.create(new PrometheusRegistry());
    }

    @AfterEach
    void closePublisher() {
        if (publisher != null) {
            publisher.close();
        }
    }

    @Test
    void eventsRaisedWhileNatsIsDownArriveAfterReconnectInOrderWithTheirOriginalTimes() {
        publisher = ControlEventPublisher.create(connection, env, settings(100), metrics);
        publisher.raise(event("connected", 1_000L));
        await().atMost(PATIENCE).until(() -> StreamContents.count(connection, stream) == 1);

        NATS.stop();
        await().atMost(PATIENCE).until(() -> connection.getStatus() != Connection.Status.CONNECTED);
        publisher.raise(event("disconnected", 2_000L));
        publisher.raise(event("resync", 3_000L));
        publisher.raise(event("connected", 4_000L));
        assertThat(publisher.pending()).isEqualTo(3);
        NATS.start();

        // Until the connection is back, a stream info request is refused at once (no reconnect buffer).
        await().atMost(PATIENCE)
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> StreamContents.count(connection, stream) == 4);
        List<MessageInfo> stored = StreamContents.readAll(connection, stream);
        assertThat(stored)
                .extracting(m -> ControlEvent.fromJson(m.getData()).ts())
                .containsExactly(1_000L, 2_000L, 3_000L, 4_000L);
        assertThat(stored)
                .extracting(MessageInfo::getSubject)
                .containsExactly(
                        Subjects.control(env, "kraken", "connected", "kraken-0"),
                        Subjects.control(env, "kraken", "disconnected", "kraken-0"),
                        Subjects.control(env, "kraken", "resync", "kraken-0"),
                        Subjects.control(env, "kraken", "connected", "kraken-0"));
        assertThat(stored)
                .extracting(m -> m.getHeaders().getFirst(PublishHeaders.RECEIVED_AT))
                .containsExactly("1000", "2000", "3000", "4000");
        await().atMost(PATIENCE).until(() -> publisher.pending() == 0);
        assertThat(publisher.dropped()).isZero();
    }

    @Test
    void aFullQueueDropsTheOldestEventAndCountsIt() {
        publisher = ControlEventPublisher.create(connection, env, settings(2), metrics);
        NATS.stop();
        await().atMost(PATIENCE).until(() -> connection.getStatus() != Connection.Status.CONNECTED);

        publisher.raise(event("disconnected", 10L));
        publisher.raise(event("resync", 20L));
        publisher.raise(event("connected", 30L));

        assertThat(publisher.dropped()).isEqualTo(1);
        assertThat(metrics.controlDropped().labelValues("kraken").get()).isEqualTo(1.0);
        NATS.start();
        // Asking the stream while the connection is still reconnecting is refused (no reconnect buffer).
        await().atMost(PATIENCE).ignoreExceptions().until(() -> StreamContents.count(connection, stream) == 2);
        assertThat(StreamContents.readAll(connection, stream))
                .extracting(m -> ControlEvent.fromJson(m.getData()).event())
                .containsExactly("resync", "connected");
    }

    private static ControlEvent event(String name, long ts) {
        return ControlEvent.of(name, "kraken", "kraken-0", 500L, ts, "test", List.of("BTC/USD"));
    }

    private static PublisherSettings settings(int queueCapacity) {
        return new PublisherSettings(16, 3, Duration.ofMillis(50), Duration.ofSeconds(2), queueCapacity);
    }

    private JetStreamManagement jetStreamManagement() {
        try {
            return connection.jetStreamManagement();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
