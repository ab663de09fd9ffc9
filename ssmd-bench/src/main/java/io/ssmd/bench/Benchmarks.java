package io.ssmd.bench;

import io.ssmd.core.nats.PublisherSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ssmd bench} runs: the raw NATS ceiling, ssmd's publisher, or both, and how they compare. Speed is
 * measured here, never asserted in tests (DESIGN §12).
 *
 * <p>Small machines are noisy (other processes share the cores, the server's store flushes in the background), so
 * after an uncounted warm-up round each benchmark runs several rounds, interleaved, each on a fresh nats-server, and
 * the median counts.
 */
public final class Benchmarks {

    public static final String NATS_CEILING = "nats-ceiling";
    public static final String PUBLISHER = "publisher";

    /** Messages per measured phase: several seconds at tens of thousands per second. */
    public static final int DEFAULT_MESSAGES = 200_000;

    /** Rounds per benchmark; the median is reported. */
    public static final int DEFAULT_ROUNDS = 3;

    private Benchmarks() {}

    /** Runs {@code scenario} ({@value #NATS_CEILING}, {@value #PUBLISHER}, or null for both) with the defaults. */
    public static List<BenchResult> run(String scenarioOrNull, PrintStream out) {
        return run(scenarioOrNull, DEFAULT_MESSAGES, DEFAULT_ROUNDS, out);
    }

    /**
     * Runs {@code scenario}, {@code rounds} times with {@code messages} per measured phase, printing every round, the
     * median of each benchmark and, when both ran, the publisher's rate over the ceiling's with {@code Nats-Msg-Id}
     * (both deduplicate, so the comparison is like for like).
     *
     * @return the median result of each benchmark that ran
     * @throws IllegalArgumentException for an unknown scenario
     */
    public static List<BenchResult> run(String scenarioOrNull, int messages, int rounds, PrintStream out) {
        boolean ceiling = scenarioOrNull == null || scenarioOrNull.equals(NATS_CEILING);
        boolean publisher = scenarioOrNull == null || scenarioOrNull.equals(PUBLISHER);
        if (!ceiling && !publisher) {
            throw new IllegalArgumentException("unknown benchmark '" + scenarioOrNull + "'; choose " + NATS_CEILING
                    + " or " + PUBLISHER + ", or none for both");
        }
        out.printf(
                "ssmd bench: %,d messages of %d bytes per run, file storage, window %d, %d rounds%n",
                messages,
                BenchServer.PAYLOAD_BYTES,
                PublisherSettings.defaults().window(),
                rounds);
        Map<String, List<BenchResult>> byName = new LinkedHashMap<>();
        // Round 0 only warms the JVM: the first benchmark of a fresh JVM otherwise measures the JIT compiler.
        for (int round = 0; round <= rounds; round++) {
            List<BenchResult> results = new ArrayList<>();
            if (ceiling) {
                results.addAll(NatsCeilingBench.run(messages));
            }
            if (publisher) {
                results.add(PublisherBench.run(messages));
            }
            for (BenchResult result : results) {
                out.println((round == 0 ? "warm-up  " : "round " + round + "  ") + result.describe());
                if (round > 0) {
                    byName.computeIfAbsent(result.name(), name -> new ArrayList<>())
                            .add(result);
                }
            }
        }
        List<BenchResult> medians =
                byName.values().stream().map(Benchmarks::median).toList();
        out.println("median");
        medians.forEach(result -> out.println("         " + result.describe()));
        ratio(medians).ifPresent(r -> out.printf("publisher / nats-ceiling (Nats-Msg-Id): %.2f%n", r));
        return medians;
    }

    /** The publisher's rate over the like-for-like ceiling's, when both are among {@code results}. */
    public static Optional<Double> ratio(List<BenchResult> results) {
        Optional<BenchResult> publisher = find(results, PublisherBench.NAME);
        Optional<BenchResult> ceiling = find(results, NatsCeilingBench.HeaderSet.MSG_ID.label());
        if (publisher.isEmpty() || ceiling.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(publisher.get().msgsPerSecond() / ceiling.get().msgsPerSecond());
    }

    /** {@code java -cp ... io.ssmd.bench.Benchmarks [nats-ceiling|publisher|""] [messages] [rounds]}. */
    public static void main(String[] args) {
        String scenario = args.length > 0 && !args[0].isEmpty() ? args[0] : null;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_MESSAGES;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_ROUNDS;
        run(scenario, messages, rounds, System.out);
    }

    /** Warm-up messages before a measured phase: a quarter of it, at least 20,000 (JIT, page cache, connections). */
    static int warmUpCount(int messages) {
        return Math.max(20_000, messages / 4);
    }

    private static BenchResult median(List<BenchResult> results) {
        List<BenchResult> sorted = results.stream()
                .sorted(Comparator.comparingDouble(BenchResult::msgsPerSecond))
                .toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Optional<BenchResult> find(List<BenchResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
