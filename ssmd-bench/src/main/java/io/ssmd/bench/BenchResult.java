package io.ssmd.bench;

/**
 * One measured run.
 *
 * @param name          what ran ({@code nats-ceiling (Nats-Msg-Id)}, {@code publisher})
 * @param messages      messages published and acked in the measured phase
 * @param seconds       wall time of the measured phase
 * @param msgsPerSecond {@code messages / seconds}
 */
public record BenchResult(String name, long messages, double seconds, double msgsPerSecond) {

    /** A result from a message count and the measured phase's duration in nanoseconds. */
    public static BenchResult of(String name, long messages, long nanos) {
        double seconds = nanos / 1e9;
        return new BenchResult(name, messages, seconds, messages / seconds);
    }

    /** {@code name: 43,210 msgs/s (200,000 messages in 4.63 s)}. */
    public String describe() {
        return String.format("%-32s %,10.0f msgs/s  (%,d messages in %.2f s)", name, msgsPerSecond, messages, seconds);
    }
}
