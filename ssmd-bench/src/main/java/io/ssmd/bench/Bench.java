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

    /**
     * Runs the benchmark with the arguments given after its name on the command line.
     *
     * @throws IllegalArgumentException when it takes none, or cannot read them (a usage error)
     */
    default void run(PrintStream out, java.util.List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException(name() + " takes no arguments, got " + arguments);
        }
        run(out);
    }

    /** A benchmark that runs {@code run}. */
    static Bench of(String name, String description, Consumer<PrintStream> run) {
        return new Named(name, description, run);
    }

    /** A benchmark that takes arguments: {@code run} gets them, an empty list when none were given. */
    static Bench withArguments(
            String name, String description, java.util.function.BiConsumer<PrintStream, java.util.List<String>> run) {
        return new WithArguments(name, description, run);
    }

    /** What {@link #withArguments} returns. */
    record WithArguments(
            String name, String description, java.util.function.BiConsumer<PrintStream, java.util.List<String>> runner)
            implements Bench {

        @Override
        public void run(PrintStream out) {
            runner.accept(out, java.util.List.of());
        }

        @Override
        public void run(PrintStream out, java.util.List<String> arguments) {
            runner.accept(out, arguments);
        }
    }

    /** What {@link #of} returns. */
    record Named(String name, String description, Consumer<PrintStream> runner) implements Bench {

        @Override
        public void run(PrintStream out) {
            runner.accept(out);
        }
    }
}
