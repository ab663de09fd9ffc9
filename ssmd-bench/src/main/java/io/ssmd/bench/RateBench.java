package io.ssmd.bench;

import io.nats.client.Connection;
import io.ssmd.core.config.Environment;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code ssmd bench connector-kraken-rates}: one Kraken shard fed at fixed input rates (the replay server paces its
 * frames; it runs in a JVM of its own, so only the connector's CPU is counted), and once as fast as it goes (the
 * saturation figure). Per pass: acked msgs/s, frame-to-ack p50, p99 and max, and the connector JVM's process CPU time
 * over the acked messages. Ends with the raw client's JetStream ceiling of the same run, for the ratio.
 */
final class RateBench {

    static final String NAME = "connector-kraken-rates";

    /** 0 = as fast as the shard reads (saturation). */
    static final List<Integer> RATES = List.of(0, 1_000, 10_000, 50_000);

    /**
     * Each pass's warm-up at its own rate. 5 s left the JIT compiling through the measured window (4–11 s of compile
     * time in 10 s at 10k msgs/s), which counted in the CPU per message; 15 s at the pass's rate lets the hot paths
     * compile first.
     */
    static final Duration WARM_UP = Duration.ofSeconds(15);

    private RateBench() {}

    /** {@code ssmd bench connector-kraken-rates [RATE...]}: the given rates (0 = unpaced), or {@link #RATES}. */
    static void run(PrintStream out, List<String> arguments) {
        List<Integer> rates = rates(NAME, arguments, 0);
        run(rates.isEmpty() ? RATES : rates, WARM_UP, Duration.ofSeconds(10), out);
    }

    /** {@code arguments} as rates in messages per second, each at least {@code least}; a clear error otherwise. */
    static List<Integer> rates(String bench, List<String> arguments, int least) {
        List<Integer> rates = new ArrayList<>();
        for (String argument : arguments) {
            int rate;
            try {
                rate = Integer.parseInt(argument);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(bench + " takes rates in msgs/s, got '" + argument + "'");
            }
            if (rate < least) {
                throw new IllegalArgumentException(bench + ": a rate is at least " + least + ", got " + argument);
            }
            rates.add(rate);
        }
        return rates;
    }

    /**
     * One pass's figures. Besides the process CPU per acked message, what of it is not per message: the JIT's compile
     * time and the collectors' time in the window (both wall milliseconds, as the JVM reports them), and the threads
     * the JVM started in it (each costs a creation and an end; a steady shard starts none).
     */
    record Pass(
            int rate,
            long acked,
            long frames,
            double seconds,
            long p50,
            long p99,
            long max,
            double cpuMicros,
            long jitMillis,
            long gcMillis,
            long threadsStarted,
            double messagesPerRead) {
        double ackedRate() {
            return acked / seconds;
        }
    }

    static List<Pass> run(List<Integer> rates, Duration warmUp, Duration measured, PrintStream out) {
        out.printf(
                "ssmd bench %s: Kraken replay server in its own JVM (synthetic, BTC/USD and ETH/USD, book/trade/ticker)"
                        + " -> one shard -> JetStream (file storage); %s warm-up, %s measured per rate; load average"
                        + " %.2f%n",
                NAME,
                warmUp,
                measured,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<Pass> passes = new ArrayList<>();
        for (int rate : rates) {
            Pass pass = pass(rate, warmUp, measured);
            passes.add(pass);
            out.printf(
                    "rate %-7s %,9.0f acked msgs/s (%,.0f frames/s); frame-to-ack p50 %,d µs, p99 %,d µs, max %,d µs;"
                            + " CPU %.1f µs/msg (connector JVM); in the window JIT %,d ms, GC %,d ms, %,d threads"
                            + " started; %.1f messages per TCP read; load %.2f%n",
                    rate == 0 ? "max" : Integer.toString(rate),
                    pass.ackedRate(),
                    pass.frames() / pass.seconds(),
                    pass.p50(),
                    pass.p99(),
                    pass.max(),
                    pass.cpuMicros(),
                    pass.jitMillis(),
                    pass.gcMillis(),
                    pass.threadsStarted(),
                    pass.messagesPerRead(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        // The floor: raw jnats at the same paced rates, no Pekko, so frame-to-ack can be stated as a ratio to it;
        // evenly
        // spaced, and in bursts as large as the shard's TCP reads were (the venue's pacing sends bursts).
        for (Pass pass : passes) {
            if (pass.rate() > 0) {
                int rate = (int) Math.round(pass.ackedRate());
                int burst = (int) Math.max(1, Math.round(pass.messagesPerRead()));
                for (int b : burst > 1 ? List.of(1, burst) : List.of(1)) {
                    NatsLatencyBench.Pass floor = NatsLatencyBench.pass(rate, b, warmUp, measured);
                    out.println(floor.describe()
                            + String.format(
                                    "; shard (rate %d)/floor p50 %.1f, p99 %.1f; load %.2f",
                                    pass.rate(),
                                    (double) pass.p50() / Math.max(1, floor.p50()),
                                    (double) pass.p99() / Math.max(1, floor.p99()),
                                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
                }
            }
        }
        if (passes.stream().noneMatch(p -> p.rate() == 0)) {
            return passes;
        }
        BenchResult ceiling = NatsCeilingBench.run(200_000, NatsCeilingBench.HeaderSet.MSG_ID);
        out.println("                     " + ceiling.describe());
        passes.stream()
                .filter(p -> p.rate() == 0)
                .forEach(p -> out.printf(
                        "%s saturation / nats-ceiling (Nats-Msg-Id): %.2f%n",
                        NAME, p.ackedRate() / ceiling.msgsPerSecond()));
        return passes;
    }

    private static Pass pass(int rate, Duration warmUp, Duration measured) {
        return pass(rate, warmUp, measured, "");
    }

    /**
     * One pass; {@code config} (HOCON) is laid over the connector node's configuration, e.g. the WebSocket client
     * ({@code ssmd.shard.websocket-client}).
     */
    static Pass pass(int rate, Duration warmUp, Duration measured, String config) {
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-rates-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
        ConnectorBench.Recorder recorder = new ConnectorBench.Recorder();
        NatsServerProcess nats = NatsServerProcess.create(work.resolve("nats"));
        nats.start();
        ActorSystem<Void> system = ConnectorBench.ssmdSystem(config);
        try (VenueProcess venue = VenueProcess.start("kraken", rate, 0, null);
                Connection connection = NatsConnections.connect(nats.url(), "ssmd-bench-rates")) {
            Environment environment = ConnectorBench.environment(work, ConnectorBench.Scenario.KRAKEN, venue.port());
            ConnectorBench.startConnectors(system, connection, environment, recorder);
            ReplayBench.pause(warmUp);
            long cpuBefore = processCpuNanos();
            long jitBefore = jitMillis();
            long gcBefore = gcMillis();
            long threadsBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
            ConnectorBench.Window window = recorder.measure(measured);
            long cpu = processCpuNanos() - cpuBefore;
            long jit = jitMillis() - jitBefore;
            long gc = gcMillis() - gcBefore;
            long threads = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - threadsBefore;
            long[] latencies = window.latencies();
            ConnectorBench.stop(system, System.out);
            return new Pass(
                    rate,
                    window.acked(),
                    window.frames(),
                    window.seconds(),
                    ConnectorBench.percentile(latencies, 0.50),
                    ConnectorBench.percentile(latencies, 0.99),
                    latencies.length == 0 ? -1 : latencies[latencies.length - 1],
                    window.acked() == 0 ? -1 : cpu / 1e3 / window.acked(),
                    jit,
                    gc,
                    threads,
                    window.messagesPerRead());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the rate benchmark failed: " + e, e);
        } finally {
            system.terminate();
            nats.stop();
        }
    }

    /** The JIT compilers' accumulated time in this JVM, ms; 0 when the JVM does not tell. */
    static long jitMillis() {
        var compilation = ManagementFactory.getCompilationMXBean();
        return compilation != null && compilation.isCompilationTimeMonitoringSupported()
                ? compilation.getTotalCompilationTime()
                : 0;
    }

    /** The collectors' accumulated time in this JVM, ms. */
    static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(gc -> Math.max(0, gc.getCollectionTime()))
                .sum();
    }

    /** This JVM's CPU time, all threads: the connector's (the venue and nats-server run in other processes). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
