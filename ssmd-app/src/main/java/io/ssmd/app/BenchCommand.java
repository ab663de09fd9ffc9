package io.ssmd.app;

import io.ssmd.archive.bench.ArchiverBench;
import io.ssmd.core.bench.Benchmarks;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ssmd bench [SCENARIO]}: throughput figures on this machine, each against its own servers. */
@Command(
        name = "bench",
        description = "Run benchmarks on private servers. Scenarios: nats-ceiling (raw jnats"
                + " JetStream async publish), publisher (ssmd's publisher on the same load), replay (each venue's replay"
                + " server at full speed to one client; replay-VENUE for one), connector-kraken (replay server -> one shard ->"
                + " JetStream), connector-polymarket (10 shards), connector-kalshi (2,000 discovered markets -> 13 shards),"
                + " archiver (one stream into gzip and zstd files, against the publisher's rate), gateway (1,000 WebSocket"
                + " clients x 10 symbols, publish-to-client latency). Without a"
                + " scenario, all of them, with the publisher/ceiling ratio.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(
            arity = "0..1",
            paramLabel = "SCENARIO",
            description = "nats-ceiling | publisher | replay | replay-VENUE | connector-kraken | connector-polymarket"
                    + " | connector-kalshi | archiver | gateway"
                    + " (default: all)")
    String scenario;

    @Override
    public Integer call() {
        try {
            var connector = ConnectorBench.Scenario.named(scenario);
            if (connector.isPresent()) {
                ConnectorBench.run(connector.get(), Duration.ofSeconds(5), Duration.ofSeconds(10), System.out);
                return 0;
            }
            if (KalshiConnectorBench.SCENARIO.equals(scenario)) {
                KalshiConnectorBench.run(Duration.ofSeconds(10), Duration.ofSeconds(10), System.out);
                return 0;
            }
            if (GatewayBench.SCENARIO.equals(scenario)) {
                GatewayBench.run(
                        1_000,
                        java.util.List.of(200, 500, 1_000),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        System.out);
                return 0;
            }
            if (ArchiverBench.NAME.equals(scenario)) {
                ArchiverBench.run(200_000, 3, System.out);
                return 0;
            }
            if (ReplayBench.handles(scenario)) {
                ReplayBench.run(scenario, Duration.ofSeconds(3), Duration.ofSeconds(5), System.out);
                return 0;
            }
            Benchmarks.run(scenario, System.out);
            if (scenario == null) {
                ReplayBench.run(ReplayBench.PREFIX, Duration.ofSeconds(3), Duration.ofSeconds(5), System.out);
                ConnectorBench.run(Duration.ofSeconds(5), Duration.ofSeconds(10), System.out);
                ConnectorBench.run(
                        ConnectorBench.Scenario.POLYMARKET, Duration.ofSeconds(5), Duration.ofSeconds(10), System.out);
                KalshiConnectorBench.run(Duration.ofSeconds(10), Duration.ofSeconds(10), System.out);
                ArchiverBench.run(200_000, 3, System.out);
            }
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("ssmd bench: " + e.getMessage());
            return 2;
        }
    }
}
