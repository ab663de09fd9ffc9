package io.ssmd.bench;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * One benchmark of {@code ssmd bench}: the name it is run by, a line for {@code ssmd bench --list}, and the run, which
 * starts the servers it needs, prints its figures to {@code out} and stops them again. Speed is measured, never
 * asserted (DESIGN §12). {@link Benches} holds them all.
 */
public interface Bench {

    /** The name on the command line ({@code connector-kraken}). */
    String name();

    /** One line: what runs and what it measures. */
    String description();

    /** Runs the benchmark, printing its figures to {@code out}. */
    void run(PrintStream out);

    /** A benchmark that runs {@code run}. */
    static Bench of(String name, String description, Consumer<PrintStream> run) {
        return new Named(name, description, run);
    }

    /** What {@link #of} returns. */
    record Named(String name, String description, Consumer<PrintStream> runner) implements Bench {

        @Override
        public void run(PrintStream out) {
            runner.accept(out);
        }
    }
}
