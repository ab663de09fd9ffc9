package io.ssmd.app;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.bench.BenchResult;
import io.ssmd.core.bench.NatsCeilingBench;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.shard.FeedConnector;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.shard.ShardRuntime;
import io.ssmd.feeds.Connectors;
import io.ssmd.feeds.kraken.KrakenReplayServer;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * {@code ssmd bench connector-kraken}: the Kraken replay server (synthetic, as fast as it goes) → one shard (ssmd's
 * Kraken decoder, book checksums included) → JetStream, all on this machine. Prints acked messages per second,
 * the frame-to-ack latency (from the frame's arrival at the shard to its PubAck) and the ratio to the raw client's
 * JetStream ceiling measured in the same run.
 */
final class ConnectorBench {

    static final String SCENARIO = "connector-kraken";

    /** Frame-to-ack latencies of the measured window, in µs; a window at 200k msgs/s for 10 s fits. */
    private static final int MAX_SAMPLES = 4_000_000;

    /** @param p50Micros median frame-to-ack latency; {@code p99Micros} the 99th percentile */
    record Result(long acked, double seconds, long p50Micros, long p99Micros, double ceiling) {

        double rate() {
            return acked / seconds;
        }
    }

    private ConnectorBench() {
    }

    static Result run(Duration warmUp, Duration measured, PrintStream out) {
        out.printf("ssmd bench %s: Kraken replay server (synthetic, rate 0, BTC/USD and ETH/USD, book/trade/ticker)"
                + " -> one shard -> JetStream (file storage); %s warm-up, %s measured%n", SCENARIO, warmUp, measured);
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-connector-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
        Recorder recorder = new Recorder();
        NatsServerProcess nats = NatsServerProcess.create(work.resolve("nats"));
        nats.start();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd-bench",
                NodeConfig.forNode(NodeConfig.layered(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0"
                        + "\npekko.loglevel = WARNING"))));
        try (Connection connection = NatsConnections.connect(nats.url(), "ssmd-bench-connector")) {
            ReplaySettings replay = ReplaySettings.synthetic("kraken", 0, 0, 1);
            ServerBinding binding = ReplayServer.create(system, KrakenReplayServer.create(replay), replay, new Faults())
                    .bind().toCompletableFuture().join();
            Environment environment = environment(work, binding.localAddress().getPort());
            startShard(system, connection, environment, recorder);
            ReplayBench.pause(warmUp);
            long startAcked = recorder.acked.get();
            long startFrames = recorder.frames();
            recorder.sampling = true;
            long start = System.nanoTime();
            ReplayBench.pause(measured);
            recorder.sampling = false;
            double seconds = (System.nanoTime() - start) / 1e9;
            long acked = recorder.acked.get() - startAcked;
            long frames = recorder.frames() - startFrames;
            long[] latencies = recorder.samples();
            binding.unbind().toCompletableFuture().join();
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            nats.stop();
            BenchResult ceiling = NatsCeilingBench.run(200_000, NatsCeilingBench.HeaderSet.MSG_ID);
            Result result = new Result(acked, seconds, percentile(latencies, 0.50), percentile(latencies, 0.99),
                    ceiling.msgsPerSecond());
            out.printf("connector-kraken   %,11.0f acked msgs/s  (%,d in %.1f s, from %,.0f frames/s); frame-to-ack"
                    + " p50 %,d µs, p99 %,d µs%n", result.rate(), acked, seconds, frames / seconds, result.p50Micros(),
                    result.p99Micros());
            out.println("                   " + ceiling.describe());
            out.printf("connector-kraken / nats-ceiling (Nats-Msg-Id): %.2f%n", result.rate() / result.ceiling());
            return result;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the connector benchmark failed: " + e, e);
        } finally {
            system.terminate();
            nats.stop();
        }
    }

    private static Environment environment(Path work, int port) throws IOException {
        Path feeds = Files.createDirectories(work.resolve("exchanges/feeds"));
        Path shipped = NodeConfig.resolve(Path.of("exchanges/feeds/kraken.yaml"), System.getenv());
        Files.writeString(feeds.resolve("kraken.yaml"), DemoLayout.local(Files.readString(shipped), port));
        Path env = Files.createDirectories(work.resolve("exchanges/environments")).resolve("bench.yaml");
        Files.writeString(env, """
                name: bench
                feeds:
                  kraken:
                    enabled: true
                    instruments: [BTC/USD, ETH/USD]
                storage:
                  archive-root: %s
                """.formatted(work.resolve("archive")));
        return EnvironmentLoader.load(env, Map.of());
    }

    private static void startShard(ActorSystem<?> system, Connection connection, Environment environment,
            Recorder recorder) throws IOException {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        new StreamSetup(connection.jetStreamManagement()).apply(environment.streams(), environment.publishableSubjects());
        ConnectorMetrics metrics = ConnectorMetrics.create(recorder.registry);
        ControlEventPublisher control = ControlEventPublisher.create(connection, environment.name(),
                environment.publisher(), metrics);
        EnabledFeed kraken = environment.feed("kraken").orElseThrow();
        FeedConnector feed = new FeedConnector(kraken, Connectors.forFeed(kraken).orElseThrow());
        var topic = system.systemActorOf(Topic.create(ShardHealth.class, "bench-health"), "bench-health", Props.empty());
        FeedShard.init(system, new ShardRuntime(environment.name(), "bench", Map.of("kraken", feed),
                connection.jetStream(), environment.publisher(), metrics, control, topic, Duration.ofSeconds(1),
                recorder::record));
        for (FeedShard.Start start : FeedManager.pack(feed, 1.0)) {
            FeedShard.ref(system, "kraken-" + start.index()).tell(start);
        }
    }

    /** Counts acks and, while sampling, keeps each ack's frame-to-ack latency. */
    static final class Recorder {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final AtomicLong acked = new AtomicLong();
        final long[] samples = new long[MAX_SAMPLES];
        final AtomicLong sampleCount = new AtomicLong();
        volatile boolean sampling;

        void record(PublishOutcome outcome) {
            if (!outcome.acked()) {
                return;
            }
            acked.incrementAndGet();
            if (sampling) {
                long i = sampleCount.getAndIncrement();
                if (i < MAX_SAMPLES) {
                    samples[(int) i] = EpochMicros.now() - outcome.message().receivedAtMicros();
                }
            }
        }

        /** Frames the shard has received so far (every type). */
        long frames() {
            return (long) registry.scrape().stream()
                    .filter(m -> m.getMetadata().getName().equals("ssmd_connector_messages"))
                    .flatMap(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().stream())
                    .mapToDouble(io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot::getValue)
                    .sum();
        }

        long[] samples() {
            long[] taken = Arrays.copyOf(samples, (int) Math.min(MAX_SAMPLES, sampleCount.get()));
            Arrays.sort(taken);
            return taken;
        }
    }

    static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }
}
