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

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "NAME",
            description = "one benchmark (default: the set above)")
    String name;

    @Parameters(
            index = "1..*",
            paramLabel = "ARG",
            description = "the benchmark's own arguments, when it takes any (--list says which)")
    java.util.List<String> arguments = new java.util.ArrayList<>();

    @Option(names = "--list", description = "List the benchmarks, one a line, with what each measures.")
    boolean list;

    @Override
    public Integer call() {
        return run(name, arguments, list, System.out, System.err);
    }

    static int run(String name, boolean list, PrintStream out, PrintStream err) {
        return run(name, java.util.List.of(), list, out, err);
    }

    static int run(String name, java.util.List<String> arguments, boolean list, PrintStream out, PrintStream err) {
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
        try {
            bench.get().run(out, arguments);
        } catch (IllegalArgumentException e) {
            err.println("ssmd bench: " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
