package io.ssmd.bench;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.EpochMicros;
import io.ssmd.core.nats.NatsConnections;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.nats.PublishBudget;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.shard.ShardHealth;
import io.ssmd.core.ws.WebSocketClientChoice;
import io.ssmd.node.ConnectorNode;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code ssmd bench connector-VENUE}: a venue's replay server in a JVM of its own ({@link VenueProcess}: synthetic,
 * as fast as it goes) → ssmd's shards (the venue's decoder, book checks included) → JetStream, all on this machine.
 * {@code connector-kraken} runs one shard of two pairs; {@code connector-polymarket} ten shards of 400 assets each.
 * Prints acked messages per second, the frame-to-ack latency (from the frame's arrival at the shard to its PubAck),
 * the connector JVM's CPU per message and the venue's share of the CPU ({@link ProcessCpu}), and the ratio to the
 * raw client's JetStream ceiling measured in the same run.
 */
final class ConnectorBench {

    static final String PREFIX = "connector-";

    /** A venue set up for the benchmark: its replay server's instruments and the environment's feed section. */
    enum Scenario {
        KRAKEN("kraken", "one shard, BTC/USD and ETH/USD, book/trade/ticker", 2, 1),
        POLYMARKET(
                "polymarket",
                "10 shards of 400 synthetic assets (4,000), book/price_change/last_trade_price",
                4000,
                10);

        final String feed;
        final String description;
        final int instruments;
        /** Shards the feed manager packs the instruments into (Polymarket: 500 a connection × fill 0.8). */
        final int shards;

        Scenario(String feed, String description, int instruments, int shards) {
            this.feed = feed;
            this.description = description;
            this.instruments = instruments;
            this.shards = shards;
        }

        String scenario() {
            return PREFIX + feed;
        }

        /** The instruments the venue process makes: 0 for Kraken's default pairs, else as many as discovered. */
        int venueInstruments() {
            return this == KRAKEN ? 0 : instruments;
        }

        String feedSection() {
            return switch (this) {
                case KRAKEN -> "instruments: [BTC/USD, ETH/USD]";
                case POLYMARKET -> "discovery: {max-instruments: " + instruments + "}";
            };
        }
    }

    /**
     * How long a bench waits for all its shards to stream. Discovery, packing and each shard's connect and
     * subscribe share two cores with the venue's sessions already sending: at load 20 a fixed warm-up saw 5 of 10
     * Polymarket shards.
     */
    static final Duration SHARDS_TIMEOUT = Duration.ofSeconds(60);

    /** A window's start and end as a profile's samples show them. */
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** Frame-to-ack latencies of the measured window, in µs; a window at 200k msgs/s for 10 s fits. */
    private static final int MAX_SAMPLES = 4_000_000;

    /**
     * @param p50Micros       median frame-to-ack latency; {@code p99Micros} the 99th percentile
     * @param cpuMicros       the connector JVM's CPU per acked message (the venue and nats-server are other processes)
     * @param venueCpuShare   the venue process's part of the CPU the three processes used (0..1), -1 if unknown
     */
    record Result(
            long acked,
            double seconds,
            long p50Micros,
            long p99Micros,
            double ceiling,
            double cpuMicros,
            double venueCpuShare) {

        double rate() {
            return acked / seconds;
        }
    }

    private ConnectorBench() {}

    static Result run(Scenario scenario, Duration warmUp, Duration measured, PrintStream out) {
        return run(scenario, Arguments.DEFAULT, warmUp, measured, out);
    }

    /** As above, with a connector bench's {@link Arguments}. */
    static Result run(Scenario scenario, Arguments arguments, Duration warmUp, Duration measured, PrintStream out) {
        String name = scenario.scenario();
        int rate = arguments.rate();
        out.printf(
                "ssmd bench %s: %s replay server in its own JVM (synthetic, rate %d, %s) -> JetStream (file storage);"
                        + " publish window %s; %s warm-up, %s measured%n",
                name, scenario.feed, rate, scenario.description, arguments.windowText(), warmUp, measured);
        Path work;
        try {
            work = Files.createTempDirectory("ssmd-bench-connector-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory", e);
        }
        Recorder recorder = new Recorder();
        NatsServerProcess nats = NatsServerProcess.create(work.resolve("nats"));
        nats.start();
        ActorSystem<Void> system = ssmdSystem();
        // The venue runs in a JVM of its own, as a venue does: the connector's CPU figures count only the connector.
        try (VenueProcess venue = VenueProcess.start(scenario.feed, rate, scenario.venueInstruments(), null);
                Connection connection = NatsConnections.connect(nats.url(), "ssmd-bench-connector")) {
            Environment environment = environment(work, scenario, venue.port(), arguments.window());
            ConnectorNode connectors =
                    startConnectors(system, connection, environment, recorder, arguments.connectorSettings());
            awaitStreaming(connectors, scenario.shards, SHARDS_TIMEOUT, out);
            ReplayBench.pause(warmUp);
            Measured window = measure(recorder, connectors, venue, nats, measured);
            stop(system, out);
            nats.stop();
            BenchResult ceiling = NatsCeilingBench.run(200_000, NatsCeilingBench.HeaderSet.MSG_ID);
            Result result = window.result(ceiling);
            window.print(name, result, client(system), out);
            out.println("                     " + ceiling.describe());
            out.printf("%s / nats-ceiling (Nats-Msg-Id): %.2f%n", name, result.rate() / result.ceiling());
            return result;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the connector benchmark failed: " + e, e);
        } finally {
            system.terminate();
            nats.stop();
        }
    }

    /**
     * The measured window of a multi-process connector bench: acks, frames and latencies ({@link Recorder}), the
     * three processes' CPU ({@link ProcessCpu}) and the shards' states, asked once a second: a shard
     * {@code backpressured} has its publish window full (it waits for NATS, not for frames).
     */
    static Measured measure(
            Recorder recorder,
            ConnectorNode connectors,
            VenueProcess venue,
            NatsServerProcess nats,
            Duration measured) {
        Map<String, Long> states = new TreeMap<>();
        LocalTime start = LocalTime.now(ZoneOffset.UTC);
        ProcessCpu cpuBefore = ProcessCpu.now(venue, nats);
        long jitBefore = RateBench.jitMillis();
        long gcBefore = RateBench.gcMillis();
        Window window = recorder.measure(measured, () -> {
            try {
                connectors.health().toCompletableFuture().join().forEach(h -> states.merge(h.state(), 1L, Long::sum));
            } catch (CompletionException e) {
                states.merge("no answer", 1L, Long::sum);
            }
        });
        ProcessCpu cpu = ProcessCpu.now(venue, nats).since(cpuBefore);
        long jit = RateBench.jitMillis() - jitBefore;
        long gc = RateBench.gcMillis() - gcBefore;
        LocalTime end = LocalTime.now(ZoneOffset.UTC);
        return new Measured(window, cpu, jit, gc, states, load(), streaming(connectors), start, end);
    }

    /**
     * What {@link #measure} saw; {@code jitMillis} and {@code gcMillis} the connector JVM's compile and collection
     * time in the window (part of its CPU, not per message: the JIT is still compiling a minute into a loaded run);
     * {@code receivingAtEnd} is -1 if the health registry did not answer in time; the window's start and end (UTC)
     * pick its samples out of a profile of the whole run.
     */
    record Measured(
            Window window,
            ProcessCpu cpu,
            long jitMillis,
            long gcMillis,
            Map<String, Long> states,
            double load,
            long receivingAtEnd,
            LocalTime start,
            LocalTime end) {

        Result result(BenchResult ceiling) {
            long[] latencies = window.latencies();
            return new Result(
                    window.acked(),
                    window.seconds(),
                    percentile(latencies, 0.50),
                    percentile(latencies, 0.99),
                    ceiling.msgsPerSecond(),
                    cpu.connectorMicrosPerMessage(window.acked()),
                    cpu.venueShare());
        }

        void print(String name, Result result, String client, PrintStream out) {
            out.printf(
                    "%-20s %,11.0f acked msgs/s  (%,d in %.1f s, from %,.0f frames/s, %s shards receiving at the"
                            + " end); frame-to-ack p50 %,d µs, p99 %,d µs; load %.2f after the window; WebSocket"
                            + " client %s%n",
                    name,
                    result.rate(),
                    window.acked(),
                    window.seconds(),
                    window.frames() / window.seconds(),
                    receivingAtEnd < 0 ? "?" : Long.toString(receivingAtEnd),
                    result.p50Micros(),
                    result.p99Micros(),
                    load,
                    client);
            out.printf(
                    "                     CPU: %s; in the window JIT %,d ms, GC %,d ms; shard states, once a second:"
                            + " %s; window %s-%s UTC%n",
                    cpu.describe(window.acked(), window.frames(), window.seconds()),
                    jitMillis,
                    gcMillis,
                    states,
                    CLOCK.format(start),
                    CLOCK.format(end));
        }
    }

    /**
     * A connector bench's arguments: {@code rate=N}, data frames a second on each connection (default 0: as fast as
     * the shards read; a low rate shows what connections cost when they are not busy), and {@code window=N}, each
     * shard's publish window ({@code transport.publish.window}; default 0: the environment's default, 1,024), and
     * {@code budget=N}, the node's publish budget shared by its shards ({@code ssmd.connectors.publish-budget}; 0 for
     * none; default -1: the node's default, {@link PublishBudget#DEFAULT_MESSAGES}).
     */
    record Arguments(int rate, int window, int budget) {

        static final Arguments DEFAULT = new Arguments(0, 0, -1);

        /** The node's default budget. */
        Arguments(int rate, int window) {
            this(rate, window, -1);
        }

        static Arguments parse(String name, List<String> arguments) {
            int rate = 0;
            int window = 0;
            int budget = -1;
            for (String argument : arguments) {
                try {
                    if (argument.startsWith("rate=")) {
                        rate = Integer.parseInt(argument.substring("rate=".length()));
                    } else if (argument.startsWith("window=")) {
                        window = Integer.parseInt(argument.substring("window=".length()));
                    } else if (argument.startsWith("budget=")) {
                        budget = Integer.parseInt(argument.substring("budget=".length()));
                        if (budget < 0) {
                            throw new IllegalArgumentException("budget must be 0 (none) or positive");
                        }
                    } else {
                        throw new IllegalArgumentException("neither rate=N nor window=N nor budget=N");
                    }
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            name + ": cannot read '" + argument + "': expected rate=N, window=N or budget=N", e);
                }
            }
            if (rate < 0) {
                throw new IllegalArgumentException(
                        name + ": rate must be 0 (as fast as read) or positive, got " + rate);
            }
            if (window < 0) {
                throw new IllegalArgumentException(
                        name + ": window must be 0 (the default) or positive, got " + window);
            }
            return new Arguments(rate, window, budget);
        }

        String windowText() {
            return (window == 0 ? "default" : Integer.toString(window)) + " a shard, node publish budget "
                    + (budget < 0 ? "default (" + PublishBudget.DEFAULT_MESSAGES + ")" : budget == 0 ? "none" : budget);
        }

        /** The node's connector settings with this budget. */
        NodeSettings.ConnectorSettings connectorSettings() {
            NodeSettings.ConnectorSettings defaults = NodeSettings.ConnectorSettings.defaults();
            return budget < 0 ? defaults : defaults.withPublishBudget(budget);
        }
    }

    /** The environment's {@code transport} section for a publish window, empty for the default (0). */
    static String transport(int window) {
        return window == 0 ? "" : "transport:\n  publish:\n    window: " + window + "\n";
    }

    /** Shards receiving now ({@link #receiving}), or -1 if the health registry did not answer in time. */
    static long streaming(ConnectorNode connectors) {
        try {
            return connectors.health().toCompletableFuture().join().stream()
                    .filter(ConnectorBench::receiving)
                    .count();
        } catch (CompletionException e) {
            return -1;
        }
    }

    /** ssmd's side of a connector bench: a node's configuration, on a free port, logging only warnings. */
    static ActorSystem<Void> ssmdSystem() {
        return ssmdSystem("");
    }

    /** As above, with {@code config} (HOCON) over the node's configuration. */
    static ActorSystem<Void> ssmdSystem(String config) {
        return ActorSystem.create(
                Behaviors.empty(),
                "ssmd-bench",
                NodeConfig.forNode(NodeConfig.layered(ConfigFactory.parseString(
                        config + "\npekko.remote.artery.canonical.port = 0" + "\npekko.loglevel = WARNING"))));
    }

    /**
     * Waits until {@code expected} shards are connected and have data ({@link #receiving}), asking the health registry
     * every second, and fails saying what the shards were doing if {@code timeout} passes first: a bench never
     * measures part of its shards. A health answer later than the registry's 3 s (two loaded cores) is asked again,
     * not a failure.
     */
    static void awaitStreaming(ConnectorNode connectors, int expected, Duration timeout, PrintStream out) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Map<String, Long> states = Map.of();
        while (true) {
            long receiving = 0;
            try {
                List<ShardHealth> health =
                        connectors.health().toCompletableFuture().join();
                receiving = health.stream().filter(ConnectorBench::receiving).count();
                states = health.stream()
                        .collect(Collectors.groupingBy(ShardHealth::state, TreeMap::new, Collectors.counting()));
            } catch (CompletionException e) {
                // asked again below
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (receiving >= expected) {
                out.printf(
                        "%d of %d shards receiving after %.1f s %s (load %.2f)%n",
                        receiving, expected, seconds, states, load());
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format(
                        "%d of %d shards receiving after %.0f s at load %.2f (states %s): not measuring a partial set",
                        receiving, expected, seconds, load(), states));
            }
            ReplayBench.pause(Duration.ofSeconds(1));
        }
    }

    /**
     * Connected, subscribed and with a frame in: {@code streaming}, or {@code backpressured}, which a saturated bench
     * is by design (the venue sends as fast as it is read, so a shard's publish window is often full).
     */
    static boolean receiving(ShardHealth health) {
        return (health.state().equals(ShardHealth.STREAMING) || health.state().equals(ShardHealth.BACKPRESSURED))
                && health.lastMessageAgeMs() >= 0;
    }

    /** The WebSocket client the system's shards connect with ({@code ssmd.shard.websocket-client}). */
    static String client(ActorSystem<?> system) {
        return system.settings().config().getString(WebSocketClientChoice.KEY);
    }

    /** The machine's load average over the last minute, printed next to figures taken on shared cores. */
    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Terminates a system, waiting at most 30 s: a benchmark's figures must not hang on a slow shutdown. */
    static void stop(ActorSystem<?> system, PrintStream out) {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            out.println("(the actor system " + system.name() + " did not terminate within 30 s; going on)");
        } catch (java.util.concurrent.ExecutionException e) {
            out.println("(the actor system " + system.name() + " terminated with " + e.getCause() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Environment environment(Path work, Scenario scenario, int port) throws IOException {
        return environment(work, scenario, port, 0);
    }

    /** As above, each shard's publish window {@code window} (0: the default). */
    static Environment environment(Path work, Scenario scenario, int port, int window) throws IOException {
        Path feeds = Files.createDirectories(work.resolve("exchanges/feeds"));
        String file = scenario.feed + ".yaml";
        Path shipped = NodeConfig.resolve(Path.of("exchanges/feeds").resolve(file), System.getenv());
        Files.writeString(feeds.resolve(file), DemoLayout.local(Files.readString(shipped), port));
        Path env =
                Files.createDirectories(work.resolve("exchanges/environments")).resolve("bench.yaml");
        Files.writeString(
                env, """
                name: bench
                feeds:
                  %s:
                    enabled: true
                    %s
                storage:
                  archive-root: %s
                %s""".formatted(scenario.feed, scenario.feedSection(), work.resolve("archive"), transport(window)));
        return EnvironmentLoader.load(env, Map.of());
    }

    /**
     * The connector side of a node, started as {@link io.ssmd.node.Ssmd} starts it, on the benchmark's own
     * nats-server; the feed managers pack the shards. Both connector benchmarks start it here.
     */
    static ConnectorNode startConnectors(
            ActorSystem<?> system, Connection connection, Environment environment, Recorder recorder)
            throws IOException {
        return startConnectors(system, connection, environment, recorder, NodeSettings.ConnectorSettings.defaults());
    }

    /** As above, with the node's connector settings {@code settings}. */
    static ConnectorNode startConnectors(
            ActorSystem<?> system,
            Connection connection,
            Environment environment,
            Recorder recorder,
            NodeSettings.ConnectorSettings settings)
            throws IOException {
        new StreamSetup(connection.jetStreamManagement())
                .apply(environment.streams(), environment.publishableSubjects());
        ConnectorMetrics metrics = ConnectorMetrics.create(recorder.registry);
        ControlEventPublisher control =
                ControlEventPublisher.create(connection, environment.name(), environment.publisher(), metrics);
        return ConnectorNode.start(
                system, "bench", settings, environment, connection, metrics, control, recorder::record);
    }

    /** What a measured window saw: acks and frames in it, its length, and its frame-to-ack latencies sorted (µs). */
    /**
     * One measured window. {@code stamps}: the distinct receive times among the sampled messages. ssmd stamps every
     * frame of one TCP read with that read's time, so acked ÷ stamps is how many messages arrived together, on average:
     * a venue that sends in bursts shows it here, and the last message of a burst waits for those before it.
     */
    record Window(long acked, long frames, double seconds, long[] latencies, long stamps) {
        double messagesPerRead() {
            return stamps == 0 ? 0 : (double) Math.min(acked, latencies.length) / stamps;
        }
    }

    /** Counts acks and, while sampling, keeps each ack's frame-to-ack latency. */
    static final class Recorder {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final AtomicLong acked = new AtomicLong();
        final long[] samples = new long[MAX_SAMPLES];
        final AtomicLong sampleCount = new AtomicLong();
        final AtomicLong stamps = new AtomicLong();
        volatile boolean sampling;
        /** The last sampled message's receive time; one shard's outcomes arrive on one thread at a time. */
        volatile long lastStamp;

        void record(PublishOutcome outcome) {
            if (!outcome.acked()) {
                return;
            }
            acked.incrementAndGet();
            if (sampling) {
                long i = sampleCount.getAndIncrement();
                if (i < MAX_SAMPLES) {
                    long received = outcome.message().receivedAtMicros();
                    samples[(int) i] = EpochMicros.now() - received;
                    if (received != lastStamp) {
                        lastStamp = received;
                        stamps.incrementAndGet();
                    }
                }
            }
        }

        /** Frames the shard has received so far (every type). */
        long frames() {
            return (long) registry.scrape().stream()
                    .filter(m -> m.getMetadata().getName().equals("ssmd_connector_messages"))
                    .flatMap(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().stream())
                    .mapToDouble(
                            io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot::getValue)
                    .sum();
        }

        /** Samples for {@code measured}, from now. */
        Window measure(Duration measured) {
            return measure(measured, () -> {});
        }

        /** Samples for {@code measured}, from now, running {@code everySecond} once a second meanwhile. */
        Window measure(Duration measured, Runnable everySecond) {
            long startAcked = acked.get();
            long startFrames = frames();
            stamps.set(0);
            sampling = true;
            long start = System.nanoTime();
            long end = start + measured.toNanos();
            for (long now = start; now < end; now = System.nanoTime()) {
                ReplayBench.pause(Duration.ofNanos(Math.min(1_000_000_000L, end - now)));
                if (System.nanoTime() < end) {
                    everySecond.run();
                }
            }
            sampling = false;
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Window(acked.get() - startAcked, frames() - startFrames, seconds, samples(), stamps.get());
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
