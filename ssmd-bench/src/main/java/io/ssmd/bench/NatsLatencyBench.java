package io.ssmd.bench;

import io.nats.client.JetStream;
import io.nats.client.impl.Headers;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.nats.PublishHeaders;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ssmd bench nats-latency}: the floor under frame-to-ack. Raw jnats, no Pekko: one thread calls
 * {@code JetStream.publishAsync} at a fixed rate, evenly spaced (no bursts), with ssmd's three headers and a 300-byte
 * payload, to a file-backed stream on a nats-server of its own; each message's latency is from the call to the moment
 * its PubAck future completes. What a shard's frame-to-ack would be if everything of ssmd's cost nothing.
 */
final class NatsLatencyBench {

    static final String NAME = "nats-latency";

    static final List<Integer> RATES = List.of(1_000, 10_000);

    private static final int MAX_SAMPLES = 1 << 20;

    private NatsLatencyBench() {}

    /** One rate's figures, µs; {@code ackThreads}: which client threads completed the futures, and how often. */
    record Pass(int rate, long acked, double seconds, long p50, long p99, long max, Map<String, Long> ackThreads) {
        String describe() {
            return String.format(
                    "%s rate %,d: %,.0f acked msgs/s; publishAsync->PubAck p50 %,d µs, p99 %,d µs, max %,d µs;"
                            + " futures completed on %s",
                    NAME, rate, acked / seconds, p50, p99, max, ackThreads);
        }
    }

    static List<Pass> run(List<Integer> rates, Duration warmUp, Duration measured, PrintStream out) {
        out.printf(
                "ssmd bench %s: raw jnats publishAsync at fixed rates, one thread, ssmd's headers, 300-byte payload,"
                        + " file storage; %s warm-up, %s measured per rate; load average %.2f%n",
                NAME, warmUp, measured, load());
        List<Pass> passes = new ArrayList<>();
        for (int rate : rates) {
            Pass pass = pass(rate, warmUp, measured);
            passes.add(pass);
            out.println(pass.describe() + String.format("; load %.2f", load()));
        }
        return passes;
    }

    /** One rate on a server of its own. */
    static Pass pass(int rate, Duration warmUp, Duration measured) {
        try (BenchServer server = BenchServer.start()) {
            server.createStream("LATENCY", "latency");
            JetStream js = server.connection().jetStream();
            publish(js, rate, warmUp, "w", null);
            Samples samples = new Samples();
            long start = System.nanoTime();
            publish(js, rate, measured, "m", samples);
            samples.awaitAll();
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] sorted = samples.sorted();
            return new Pass(
                    rate,
                    sorted.length,
                    seconds,
                    ConnectorBench.percentile(sorted, 0.50),
                    ConnectorBench.percentile(sorted, 0.99),
                    sorted.length == 0 ? -1 : sorted[sorted.length - 1],
                    Map.copyOf(samples.threads));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes at {@code rate} for {@code length}, each message at its own time (parked until then, not batched). */
    private static void publish(JetStream js, int rate, Duration length, String phase, Samples samples) {
        byte[] payload = BenchServer.payload();
        long gap = 1_000_000_000L / rate;
        long count = length.toNanos() / gap;
        long start = System.nanoTime();
        AtomicLong failures = new AtomicLong();
        for (long i = 0; i < count; i++) {
            long due = start + i * gap;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            Headers headers = new Headers()
                    .put(PublishHeaders.MSG_ID, "latency-0:" + phase + ":" + i + ":0")
                    .put(PublishHeaders.RECEIVED_AT, Long.toString(EpochMicros.now()))
                    .put(PublishHeaders.SHARD, "latency-0");
            long sent = System.nanoTime();
            if (samples != null) {
                samples.sent();
            }
            js.publishAsync("latency." + phase, headers, payload).whenComplete((ack, error) -> {
                if (error != null) {
                    failures.incrementAndGet();
                }
                if (samples != null) {
                    samples.add((System.nanoTime() - sent) / 1_000, error == null);
                }
            });
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " publishes failed; the figure is void");
        }
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static final class Samples {
        final long[] micros = new long[MAX_SAMPLES];
        final AtomicLong taken = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final Map<String, Long> threads = new ConcurrentHashMap<>();

        void sent() {
            sent.incrementAndGet();
        }

        void add(long latency, boolean acked) {
            if (acked) {
                long i = taken.getAndIncrement();
                if (i < MAX_SAMPLES) {
                    micros[(int) i] = latency;
                }
                threads.merge(Thread.currentThread().getName().replaceAll("[0-9]+", "N"), 1L, Long::sum);
            }
            done.incrementAndGet();
        }

        void awaitAll() {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (done.get() < sent.get() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
        }

        long[] sorted() {
            long[] copy = Arrays.copyOf(micros, (int) Math.min(MAX_SAMPLES, taken.get()));
            Arrays.sort(copy);
            return copy;
        }
    }
}
