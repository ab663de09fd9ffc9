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
 *
 * <p>With a burst of N, the same rate comes as N messages back to back every N / rate seconds, and each message's
 * latency counts from the start of its burst: as a shard counts from the TCP read that brought a venue's burst of
 * frames (they share its receive time), so the floor is like for like with a venue that sends in bursts.
 */
final class NatsLatencyBench {

    static final String NAME = "nats-latency";

    static final List<Integer> RATES = List.of(1_000, 10_000);

    private static final int MAX_SAMPLES = 1 << 20;

    private NatsLatencyBench() {}

    /** One rate's figures, µs; {@code ackThreads}: which client threads completed the futures, and how often. */
    record Pass(
            int rate,
            int burst,
            long acked,
            double seconds,
            long p50,
            long p99,
            long max,
            Map<String, Long> ackThreads) {
        String describe() {
            return String.format(
                    "%s rate %,d in bursts of %d: %,.0f acked msgs/s; publishAsync->PubAck p50 %,d µs, p99 %,d µs,"
                            + " max %,d µs; futures completed on %s",
                    NAME, rate, burst, acked / seconds, p50, p99, max, ackThreads);
        }
    }

    static List<Pass> run(List<Integer> rates, Duration warmUp, Duration measured, PrintStream out) {
        out.printf(
                "ssmd bench %s: raw jnats publishAsync at fixed rates, one thread, ssmd's headers, 300-byte payload,"
                        + " file storage; %s warm-up, %s measured per rate; load average %.2f%n",
                NAME, warmUp, measured, load());
        List<Pass> passes = new ArrayList<>();
        for (int rate : rates) {
            Pass pass = pass(rate, 1, warmUp, measured);
            passes.add(pass);
            out.println(pass.describe() + String.format("; load %.2f", load()));
        }
        return passes;
    }

    /** One rate on a server of its own, {@code burst} messages at a time (1: evenly spaced). */
    static Pass pass(int rate, int burst, Duration warmUp, Duration measured) {
        if (rate < 1 || burst < 1) {
            throw new IllegalArgumentException(
                    NAME + ": rate and burst must be at least 1, got " + rate + ", " + burst);
        }
        try (BenchServer server = BenchServer.start()) {
            server.createStream("LATENCY", "latency");
            JetStream js = server.connection().jetStream();
            publish(js, rate, burst, warmUp, "w", null);
            Samples samples = new Samples();
            long start = System.nanoTime();
            publish(js, rate, burst, measured, "m", samples);
            samples.awaitAll();
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] sorted = samples.sorted();
            return new Pass(
                    rate,
                    burst,
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

    /**
     * Publishes at {@code rate} for {@code length}, {@code burst} messages at a time, each burst at its own time
     * (parked until then).
     */
    private static void publish(JetStream js, int rate, int burst, Duration length, String phase, Samples samples) {
        byte[] payload = BenchServer.payload();
        long gap = 1_000_000_000L / rate * burst;
        long count = length.toNanos() / gap * burst;
        long start = System.nanoTime();
        AtomicLong failures = new AtomicLong();
        long sent = 0;
        for (long i = 0; i < count; i++) {
            if (i % burst == 0) {
                long due = start + i / burst * gap;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                sent = System.nanoTime();
            }
            long burstStart = sent;
            Headers headers = new Headers()
                    .put(PublishHeaders.MSG_ID, "latency-0:" + phase + ":" + i + ":0")
                    .put(PublishHeaders.RECEIVED_AT, Long.toString(EpochMicros.now()))
                    .put(PublishHeaders.SHARD, "latency-0");
            if (samples != null) {
                samples.sent();
            }
            js.publishAsync("latency." + phase, headers, payload).whenComplete((ack, error) -> {
                if (error != null) {
                    failures.incrementAndGet();
                }
                if (samples != null) {
                    samples.add((System.nanoTime() - burstStart) / 1_000, error == null);
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
