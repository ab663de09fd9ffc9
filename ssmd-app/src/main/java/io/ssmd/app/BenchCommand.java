package io.ssmd.app;

import io.ssmd.core.bench.Benchmarks;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ssmd bench [SCENARIO]}: throughput figures on this machine, each against its own nats-server. */
@Command(name = "bench", description = "Run benchmarks against a private nats-server. Scenarios: nats-ceiling"
        + " (raw jnats JetStream async publish), publisher (ssmd's publisher on the same load). Without a scenario,"
        + " both, and their ratio.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "SCENARIO", description = "nats-ceiling | publisher (default: all)")
    String scenario;

    @Override
    public Integer call() {
        Benchmarks.run(scenario, System.out);
        return 0;
    }
}
