package io.ssmd.bench;

import com.typesafe.config.ConfigFactory;
import io.nats.client.JetStream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.OutboundMessage;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.Publisher;
import io.ssmd.core.nats.PublisherSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * ssmd's {@link Publisher} flow under the ceiling's load: the same message count, 300-byte payloads, the same stream
 * configuration and its default window, on a nats-server of its own. Messages are made inside the graph, as a
 * decoder would make them.
 */
public final class PublisherBench {

    public static final String NAME = "publisher";

    private PublisherBench() {}

    /** Warms up, then publishes {@code messages} through the flow and times it until the last outcome. */
    public static BenchResult run(int messages) {
        ActorSystem<Void> system = ActorSystem.create(
                Behaviors.empty(),
                "ssmd-bench",
                ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING")
                        .withFallback(ConfigFactory.load()));
        try (BenchServer server = BenchServer.start()) {
            server.createStream("PUBLISHER", "publisher");
            PublisherSettings settings = PublisherSettings.defaults();
            ConnectorMetrics metrics = ConnectorMetrics.create(new PrometheusRegistry());
            JetStream js = server.connection().jetStream();
            try (ControlEventPublisher control =
                    ControlEventPublisher.create(server.connection(), "bench", settings, metrics)) {
                publish(
                        system,
                        js,
                        settings,
                        metrics,
                        control,
                        "publisher.warmup",
                        1,
                        Benchmarks.warmUpCount(messages));
                long start = System.nanoTime();
                publish(system, js, settings, metrics, control, "publisher.measured", 2, messages);
                return BenchResult.of(NAME, messages, System.nanoTime() - start);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            system.terminate();
        }
    }

    private static void publish(
            ActorSystem<Void> system,
            JetStream js,
            PublisherSettings settings,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            String subject,
            long epoch,
            int count) {
        byte[] payload = BenchServer.payload();
        long receivedAt = 1_767_225_600_000_000L;
        try {
            long failed = Source.range(0, count - 1)
                    .map(i -> new OutboundMessage(subject, payload, "bench", "bench-0", epoch, i, 0, receivedAt + i))
                    .via(Publisher.flow(js, settings, metrics, control))
                    .runWith(
                            Sink.fold(0L, (n, outcome) -> outcome.status() == PublishOutcome.Status.FAILED ? n + 1 : n),
                            system)
                    .toCompletableFuture()
                    .get();
            if (failed > 0) {
                throw new IllegalStateException(failed + " of " + count + " publishes failed; the figure is void");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the publisher graph failed: " + e.getCause(), e.getCause());
        }
    }
}
