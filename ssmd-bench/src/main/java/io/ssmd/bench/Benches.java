package io.ssmd.bench;

import io.ssmd.core.config.ClosestKey;
import io.ssmd.feeds.Venues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every benchmark, by name: the one place {@code ssmd bench} finds them. Adding a benchmark is one line here. Without
 * a name {@code ssmd bench} runs {@link #defaultRun()}: the publisher against the raw client, each venue's replay
 * server, the connectors and the archiver, in the order docs/benchmarks.md reports them; the gateway's four passes
 * and the single parts run by name only.
 */
public final class Benches {

    /** {@value}: nats-ceiling and publisher in interleaved rounds, then the publisher/ceiling ratio. */
    public static final String PUBLISHER_RATIO = "publisher-ratio";

    private static final List<Bench> ALL = register();

    private static final List<String> DEFAULT_RUN = List.of(
            PUBLISHER_RATIO,
            ReplayBench.PREFIX,
            ConnectorBench.Scenario.KRAKEN.scenario(),
            ConnectorBench.Scenario.POLYMARKET.scenario(),
            KalshiConnectorBench.SCENARIO,
            ArchiverBench.NAME);

    private Benches() {}

    private static List<Bench> register() {
        List<Bench> benches = new ArrayList<>();
        benches.add(Bench.of(
                Benchmarks.NATS_CEILING,
                "raw jnats JetStream async publish, three header sets",
                out -> Benchmarks.run(Benchmarks.NATS_CEILING, out)));
        benches.add(Bench.of(
                Benchmarks.PUBLISHER,
                "ssmd's publisher on the same load",
                out -> Benchmarks.run(Benchmarks.PUBLISHER, out)));
        benches.add(Bench.of(
                PUBLISHER_RATIO,
                "nats-ceiling and publisher in interleaved rounds, and the publisher/ceiling ratio",
                out -> Benchmarks.run(null, out)));
        benches.add(Bench.of(
                ReplayBench.PREFIX,
                "each venue's replay server at full speed to one client",
                out -> ReplayBench.run(ReplayBench.PREFIX, Duration.ofSeconds(3), Duration.ofSeconds(5), out)));
        for (String venue : Venues.ids()) {
            String name = ReplayBench.PREFIX + "-" + venue;
            benches.add(Bench.of(
                    name,
                    "the " + venue + " replay server at full speed to one client",
                    out -> ReplayBench.run(name, Duration.ofSeconds(3), Duration.ofSeconds(5), out)));
        }
        for (ConnectorBench.Scenario scenario : ConnectorBench.Scenario.values()) {
            benches.add(Bench.withArguments(
                    scenario.scenario(),
                    "replay server in its own JVM -> " + scenario.description + " -> JetStream: acked msgs/s / ceiling,"
                            + " connector JVM CPU per message, venue's CPU share [rate=N frames/s per connection (0:"
                            + " unpaced), window=N, budget=N (node publish budget, 0: none)]",
                    (out, arguments) -> ConnectorBench.run(
                            scenario,
                            ConnectorBench.Arguments.parse(scenario.scenario(), arguments),
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(10),
                            out)));
        }
        benches.add(Bench.withArguments(
                KalshiConnectorBench.SCENARIO,
                "replay server in its own JVM -> discovery of 2,000 markets -> 13 shards + lifecycle -> JetStream:"
                        + " acked msgs/s / ceiling, connector JVM CPU per message, venue's CPU share [rate=N frames/s"
                        + " per connection (0: unpaced), window=N, budget=N (node publish budget, 0: none)]",
                (out, arguments) -> KalshiConnectorBench.run(
                        ConnectorBench.Arguments.parse(KalshiConnectorBench.SCENARIO, arguments),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10),
                        out)));
        benches.add(Bench.withArguments(
                RateBench.NAME,
                "one Kraken shard at 1k/10k/50k msgs/s and at saturation: frame-to-ack p50/p99/max, CPU per message,"
                        + " and raw jnats at the same rates (the floor) [RATE... (0 1000 10000 50000; 0 = unpaced)]",
                RateBench::run));
        benches.add(Bench.withArguments(
                NatsLatencyBench.NAME,
                "raw jnats publishAsync at fixed rates, no Pekko: publish-to-PubAck p50/p99/max, the floor under"
                        + " frame-to-ack [RATE... (1000 10000)]",
                (out, arguments) -> NatsLatencyBench.run(
                        arguments.isEmpty()
                                ? NatsLatencyBench.RATES
                                : RateBench.rates(NatsLatencyBench.NAME, arguments, 1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        out)));
        benches.add(Bench.withArguments(
                WebSocketClientBench.NAME,
                "one Kraken shard with each WebSocket client (pekko-http, ssmd) in the same run: unpaced / ceiling,"
                        + " and p50/p99 and CPU per message at 10k frames/s [rounds=N (3)]",
                WebSocketClientBench::run));
        benches.add(Bench.of(
                HeapBench.NAME,
                "10,000 Kalshi markets in 63 shards: heap after a full GC",
                out -> HeapBench.run(10, Duration.ofSeconds(120), out)));
        benches.add(Bench.of(
                DecodeBench.NAME,
                "JMH: decode+route per venue on the sample frames, ns and bytes allocated per frame",
                DecodeBench::run));
        benches.add(Bench.of(
                ArchiverBench.NAME,
                "one stream into gzip and zstd files, against the publisher's rate",
                out -> ArchiverBench.run(200_000, 3, out)));
        benches.add(Bench.of(
                ReplayArchiveBench.NAME,
                "ssmd data replay: an archive read+parsed from zstd and gzip, and replayed into NATS vs its ceiling",
                out -> ReplayArchiveBench.run(2_000_000, 300_000, out)));
        benches.add(Bench.of(
                SecmasterBench.NAME,
                "security master: full sync of 10,000 Kalshi markets from the replay server into the database, then"
                        + " the CDC latency of 200 new markets (commit to the venue's subscribe)",
                SecmasterBench::run));
        benches.add(Bench.of(
                SecmasterCdcBench.NAME,
                "security master: CDC latency of 200 new Kalshi markets, commit to the venue's subscribe (p50/p99)",
                SecmasterCdcBench::run));
        benches.add(Bench.of(
                GatewayBench.SCENARIO,
                "1,000 WebSocket clients x 10 symbols, publish-to-client latency, then 10 that never read",
                out -> GatewayBench.run(
                        1_000, List.of(200, 500, 1_000), Duration.ofSeconds(5), Duration.ofSeconds(10), out)));
        benches.add(Bench.withArguments(
                GatewayStartBench.SCENARIO,
                "a gateway's start until every book is current, from ssmd book snapshots and by replaying the whole"
                        + " stream [MESSAGES... (5000000 500000)] [rate=MSGS_PER_S (1000)] [interval=DURATION (30s)]",
                GatewayStartBench::run));
        benches.add(Bench.withArguments(
                ExportBench.NAME,
                "one archived day of Kraken to Parquet and CSV (rows/s), against reading and normalizing it alone"
                        + " [MESSAGES (1000000)]",
                ExportBench::run));
        benches.add(Bench.withArguments(
                QueryBench.NAME,
                "ssmd data query: DuckDB scan of one day of archive (gzip, zstd), rows/s, against ArchiveReader's"
                        + " decompress+split of the same files [MESSAGES (2000000)]",
                QueryBench::run));
        return List.copyOf(benches);
    }

    /** Every benchmark, in the order {@code ssmd bench --list} shows them. */
    public static List<Bench> all() {
        return ALL;
    }

    /** What {@code ssmd bench} runs without a name, in this order. */
    public static List<Bench> defaultRun() {
        return DEFAULT_RUN.stream().map(name -> named(name).orElseThrow()).toList();
    }

    public static Optional<Bench> named(String name) {
        return ALL.stream().filter(bench -> bench.name().equals(name)).findFirst();
    }

    /** The name {@code unknown} was probably meant to be, for a "did you mean". */
    public static Optional<String> closestTo(String unknown) {
        return ClosestKey.to(unknown, ALL.stream().map(Bench::name).toList());
    }
}
