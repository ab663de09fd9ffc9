package io.ssmd.bench;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.archive.ArchiveLayout;
import io.ssmd.archive.ArchiverMetrics;
import io.ssmd.archive.ArchiverSettings;
import io.ssmd.archive.ManifestStore;
import io.ssmd.archive.StreamArchiver;
import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.nats.PublishHeaders;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code ssmd bench archiver}: how fast one stream's archiver drains a stream of 300-byte frames into gzip and
 * into zstd files, how many bytes a message takes on disk, and how that compares with the rate the connector's
 * publisher fills a stream in the same run ({@link PublisherBench}). The archiver should outrun the publisher, or a
 * busy feed would build up lag.
 *
 * <p>The stream is filled first, then read from seq 1 by the archiver as it runs in a node (ordered consumer,
 * writer on the IO dispatcher, commits with fsync); the clock stops when the last segment is committed.
 */
public final class ArchiverBench {

    /** The scenario's name on the command line. */
    public static final String NAME = "archiver";

    private static final long START_MICROS = 1_767_225_600_000_000L;

    /** One format's figures. */
    public record Result(String format, long messages, double seconds, double msgsPerSecond, double bytesPerMessage) {
        String describe() {
            return String.format(
                    "archiver (%s)%-16s %,10.0f msgs/s  (%,d messages in %.2f s, %.1f bytes/msg on disk)",
                    format, "", msgsPerSecond, messages, seconds, bytesPerMessage);
        }
    }

    private ArchiverBench() {}

    /**
     * Runs a warm-up round and {@code rounds} measured ones of {@code messages} messages, printing every round and the
     * medians with the archiver/publisher ratios.
     */
    public static void run(int messages, int rounds, PrintStream out) {
        out.printf(
                "ssmd bench archiver: %,d messages of %d bytes, 1m rotation, %d rounds%n",
                messages, frame(0).length, rounds);
        List<Result> gzip = new ArrayList<>();
        List<Result> zstd = new ArrayList<>();
        List<BenchResult> publisher = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            String label = round == 0 ? "warm-up  " : "round " + round + "  ";
            BenchResult published = PublisherBench.run(messages);
            List<Result> results = archive(messages);
            out.println(label + published.describe());
            results.forEach(r -> out.println(label + r.describe()));
            if (round > 0) {
                publisher.add(published);
                gzip.add(results.get(0));
                zstd.add(results.get(1));
            }
        }
        double pub = publisher.stream()
                .mapToDouble(BenchResult::msgsPerSecond)
                .sorted()
                .toArray()[rounds / 2];
        Result g = median(gzip);
        Result z = median(zstd);
        out.println("median");
        out.printf("         publisher %,.0f msgs/s%n", pub);
        out.println("         " + g.describe());
        out.println("         " + z.describe());
        out.printf("archiver / publisher: gzip %.2f, zstd %.2f%n", g.msgsPerSecond() / pub, z.msgsPerSecond() / pub);
    }

    /** {@code java -cp ... io.ssmd.archive.bench.ArchiverBench [messages] [rounds]}. */
    public static void main(String[] args) {
        run(
                args.length > 0 ? Integer.parseInt(args[0]) : 200_000,
                args.length > 1 ? Integer.parseInt(args[1]) : 3,
                System.out);
    }

    private static List<Result> archive(int messages) {
        Path work = null;
        NatsServerProcess server = null;
        ActorSystem<Void> system = ActorSystem.create(
                Behaviors.empty(),
                "ssmd-archiver-bench",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        try {
            work = Files.createTempDirectory("ssmd-archiver-bench-");
            server = NatsServerProcess.create(work.resolve("nats"));
            server.start();
            Connection nats = NatsConnections.connect(server.url(), "archiver-bench");
            nats.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("BENCH_KRAKEN")
                            .subjects("bench.kraken.>")
                            .storageType(StorageType.File)
                            .build());
            fill(nats.jetStream(), messages);
            List<Result> results = List.of(
                    archive(system, nats, work.resolve("gzip"), StorageSettings.Format.GZIP, messages),
                    archive(system, nats, work.resolve("zstd"), StorageSettings.Format.ZSTD, messages));
            nats.close();
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot create the benchmark stream: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            if (server != null) {
                server.stop();
            }
            delete(work);
        }
    }

    private static Result archive(
            ActorSystem<?> system, Connection nats, Path root, StorageSettings.Format format, int messages)
            throws IOException {
        ArchiverSettings settings = ArchiverSettings.create(system.settings().config());
        ArchiverMetrics.StreamMetrics metrics = ArchiverMetrics.create(new PrometheusRegistry()).stream("BENCH_KRAKEN");
        long start = System.nanoTime();
        StreamArchiver archiver = StreamArchiver.start(
                system,
                nats,
                "bench",
                new ArchiveSource("BENCH_KRAKEN", "kraken"),
                new StorageSettings(root, format, Duration.ofMinutes(1)),
                new ManifestStore(),
                settings,
                metrics,
                Optional.empty(),
                committed -> {});
        while (metrics.messages().get() < messages) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        archiver.stop().toCompletableFuture().join();
        long nanos = System.nanoTime() - start;
        long bytes;
        try (Stream<Path> files = Files.walk(ArchiveLayout.streamDir(root, "bench", "kraken", "BENCH_KRAKEN"))) {
            bytes = files.filter(p -> ArchiveLayout.isSegment(p.getFileName().toString()))
                    .mapToLong(ArchiverBench::size)
                    .sum();
        }
        double seconds = nanos / 1e9;
        return new Result(format.id(), messages, seconds, messages / seconds, (double) bytes / messages);
    }

    /** Fills the stream as connectors would: ssmd's three headers, one receive time per millisecond. */
    private static void fill(JetStream js, int messages) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            Headers headers = new Headers()
                    .add(PublishHeaders.MSG_ID, "kraken-0:1:" + i + ":0")
                    .add(PublishHeaders.RECEIVED_AT, Long.toString(START_MICROS + i * 1000L))
                    .add(PublishHeaders.SHARD, "kraken-0");
            acks.add(js.publishAsync(NatsMessage.builder()
                    .subject("bench.kraken.json.trade.BTC-USD")
                    .headers(headers)
                    .data(frame(i))
                    .build()));
            if (acks.size() >= 1024) {
                acks.forEach(CompletableFuture::join);
                acks.clear();
            }
        }
        acks.forEach(CompletableFuture::join);
    }

    /** A Kraken-like trade frame of 300 bytes whose numbers change from message to message, as real ones do. */
    static byte[] frame(int i) {
        String head = "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\""
                + (i % 3 == 0 ? "sell" : "buy") + "\",\"price\":" + (97000 + (i * 7919L) % 1000) / 10.0 + ",\"qty\":"
                + (i * 104729L % 100000) / 1e6 + ",\"ord_type\":\"limit\",\"trade_id\":" + (81000000 + i)
                + ",\"timestamp\":\"2026-01-01T00:00:00." + String.format("%06d", i % 1000000) + "Z\"}]";
        StringBuilder frame = new StringBuilder(head);
        frame.append(",\"pad\":\"");
        while (frame.length() < 298) {
            frame.append('x');
        }
        return frame.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static Result median(List<Result> results) {
        return results.stream()
                .sorted(Comparator.comparingDouble(Result::msgsPerSecond))
                .toList()
                .get(results.size() / 2);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A temporary directory left behind is no reason to fail a benchmark.
        }
    }
}
