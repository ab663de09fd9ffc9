package io.ssmd.bench;

import io.ssmd.core.ws.WebSocketClientChoice;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ssmd bench connector-kraken-clients [rounds=N]}: the two WebSocket clients a shard can use
 * ({@code ssmd.shard.websocket-client}) in the same run, in alternating order round by round. Per client and round: one
 * Kraken shard unpaced (the saturation figure, as a ratio of the round's own JetStream ceiling with
 * {@code Nats-Msg-Id}) and at 10,000 frames/s (frame-to-ack p50/p99 and the connector JVM's CPU per message), the
 * Kraken replay server in a JVM of its own ({@link RateBench}'s passes). The load average is printed with each pass:
 * on a shared machine it says how much each figure can be trusted.
 */
final class WebSocketClientBench {

    static final String NAME = "connector-kraken-clients";

    private static final int PACED = 10_000;

    private WebSocketClientBench() {}

    static void run(PrintStream out, List<String> arguments) {
        int rounds = 3;
        for (String argument : arguments) {
            if (!argument.startsWith("rounds=")) {
                throw new IllegalArgumentException(NAME + " takes rounds=N, got '" + argument + "'");
            }
            try {
                rounds = Integer.parseInt(argument.substring("rounds=".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(NAME + ": rounds=N needs a whole number, got '" + argument + "'");
            }
            if (rounds < 1) {
                throw new IllegalArgumentException(NAME + ": rounds must be at least 1, got " + rounds);
            }
        }
        run(rounds, Duration.ofSeconds(5), Duration.ofSeconds(10), out);
    }

    static void run(int rounds, Duration warmUp, Duration measured, PrintStream out) {
        out.printf(
                "ssmd bench %s: one Kraken shard per WebSocket client, unpaced and at %,d frames/s, venue in its own"
                        + " JVM; %d rounds, %s warm-up and %s measured per pass; load average %.2f%n",
                NAME, PACED, rounds, warmUp, measured, load());
        List<String> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            List<WebSocketClientChoice.Client> order = round % 2 == 1
                    ? List.of(WebSocketClientChoice.Client.PEKKO_HTTP, WebSocketClientChoice.Client.SSMD)
                    : List.of(WebSocketClientChoice.Client.SSMD, WebSocketClientChoice.Client.PEKKO_HTTP);
            List<Measured> passes = new ArrayList<>();
            for (WebSocketClientChoice.Client client : order) {
                String config = WebSocketClientChoice.KEY + " = \"" + client.value() + "\"";
                double loadBefore = load();
                RateBench.Pass saturated = RateBench.pass(0, warmUp, measured, config);
                double loadSaturated = load();
                RateBench.Pass paced = RateBench.pass(PACED, warmUp, measured, config);
                Measured m = new Measured(client, saturated, loadSaturated, paced, load());
                passes.add(m);
                out.printf(
                        "round %d %-10s unpaced %,9.0f acked msgs/s (load %.1f-%.1f); at %,d: %,9.0f acked msgs/s,"
                                + " p50 %,d µs, p99 %,d µs, CPU %.1f µs/msg, JIT %,d ms in the window (load %.1f)%n",
                        round,
                        client.value(),
                        saturated.ackedRate(),
                        loadBefore,
                        loadSaturated,
                        PACED,
                        paced.ackedRate(),
                        paced.p50(),
                        paced.p99(),
                        paced.cpuMicros(),
                        paced.jitMillis(),
                        m.loadPaced());
            }
            BenchResult ceiling = NatsCeilingBench.run(200_000, NatsCeilingBench.HeaderSet.MSG_ID);
            out.printf(
                    "round %d nats-ceiling (Nats-Msg-Id) %,.0f msgs/s (load %.1f)%n",
                    round, ceiling.msgsPerSecond(), load());
            for (Measured m : passes) {
                double ratio = m.saturated().ackedRate() / ceiling.msgsPerSecond();
                out.printf(
                        "round %d %-10s unpaced / ceiling: %.2f%n",
                        round, m.client().value(), ratio);
                rows.add(String.format(
                        "| %d | %s | %,.0f | %,.0f | %.2f | %.1f | %.1f / %.1f ms | %.1f | %.1f |",
                        round,
                        m.client().value(),
                        ceiling.msgsPerSecond(),
                        m.saturated().ackedRate(),
                        ratio,
                        m.loadSaturated(),
                        m.paced().p50() / 1000.0,
                        m.paced().p99() / 1000.0,
                        m.paced().cpuMicros(),
                        m.loadPaced()));
            }
        }
        out.println();
        out.println("| round | client | ceiling msgs/s | unpaced acked msgs/s | ratio | load | 10k p50 / p99 | 10k CPU"
                + " µs/msg | load |");
        out.println("|---|---|---:|---:|---:|---:|---|---:|---:|");
        rows.forEach(out::println);
    }

    /** One client's two passes of a round, with the load average after each. */
    private record Measured(
            WebSocketClientChoice.Client client,
            RateBench.Pass saturated,
            double loadSaturated,
            RateBench.Pass paced,
            double loadPaced) {}

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
