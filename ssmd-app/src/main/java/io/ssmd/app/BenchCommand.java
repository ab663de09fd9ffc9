package io.ssmd.app;

import io.ssmd.bench.Bench;
import io.ssmd.bench.Benches;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ssmd bench [NAME]}: throughput figures on this machine, each against its own servers. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run benchmarks on private servers (a nats-server and venues of their own). Without a name, the"
                + " publisher against the raw NATS client (and their ratio), each venue's replay server, the"
                + " connectors and the archiver; --list names every benchmark, gateway included.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "one benchmark (default: the set above)")
    String name;

    @Option(names = "--list", description = "List the benchmarks, one a line, with what each measures.")
    boolean list;

    @Override
    public Integer call() {
        return run(name, list, System.out, System.err);
    }

    static int run(String name, boolean list, PrintStream out, PrintStream err) {
        if (list) {
            Benches.all().forEach(bench -> out.printf("%-26s %s%n", bench.name(), bench.description()));
            return 0;
        }
        if (name == null) {
            Benches.defaultRun().forEach(bench -> bench.run(out));
            return 0;
        }
        Optional<Bench> bench = Benches.named(name);
        if (bench.isEmpty()) {
            err.println("ssmd bench: unknown benchmark '" + name + "'"
                    + Benches.closestTo(name)
                            .map(c -> "; did you mean '" + c + "'?")
                            .orElse("")
                    + " (ssmd bench --list names them all)");
            return 2;
        }
        bench.get().run(out);
        return 0;
    }
}
