package io.ssmd.bench;

import io.ssmd.core.nats.NatsServerProcess;
import java.time.Duration;

/**
 * CPU time used so far by the three processes of a connector bench: the connector (this JVM, every thread), the venue
 * (its own JVM, {@link VenueProcess}) and nats-server. Two readings, {@link #since}, give a window's use; with the
 * venue in a process of its own the connector's CPU per message counts only the connector's work.
 *
 * @param connectorNanos this JVM's process CPU time
 * @param venueNanos     the venue process's, -1 if the operating system does not tell
 * @param natsNanos      nats-server's, -1 if it does not tell
 */
record ProcessCpu(long connectorNanos, long venueNanos, long natsNanos) {

    static ProcessCpu now(VenueProcess venue, NatsServerProcess nats) {
        return new ProcessCpu(
                RateBench.processCpuNanos(),
                venue.cpuNanos(),
                nats.pid().flatMap(ProcessHandle::of).map(ProcessCpu::cpuNanos).orElse(-1L));
    }

    /** A process's CPU time (user and system, all threads), -1 if unknown. */
    static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** The use between {@code start} and this reading. */
    ProcessCpu since(ProcessCpu start) {
        return new ProcessCpu(
                connectorNanos - start.connectorNanos,
                venueNanos < 0 || start.venueNanos < 0 ? -1 : venueNanos - start.venueNanos,
                natsNanos < 0 || start.natsNanos < 0 ? -1 : natsNanos - start.natsNanos);
    }

    /** The connector JVM's CPU per acked message, µs; -1 without messages. */
    double connectorMicrosPerMessage(long acked) {
        return acked == 0 ? -1 : connectorNanos / 1e3 / acked;
    }

    /** The venue's part of the CPU the three processes used together (0..1), -1 if unknown. */
    double venueShare() {
        return venueNanos < 0 || natsNanos < 0 ? -1 : venueNanos / (double) (connectorNanos + venueNanos + natsNanos);
    }

    /**
     * {@code connector JVM 21.3 µs/msg (1.10 cores); venue 0.52 cores, 18.2 µs/frame (28 % of the three processes'
     * CPU); nats-server 0.24 cores}: cores are CPU seconds per second of the window; the venue's cost per frame is
     * over the frames the shards received.
     */
    String describe(long acked, long frames, double seconds) {
        return String.format(
                "connector JVM %.1f µs/msg (%.2f cores); venue %s cores, %s µs/frame (%s of the three processes'"
                        + " CPU); nats-server %s cores",
                connectorMicrosPerMessage(acked),
                connectorNanos / 1e9 / seconds,
                cores(venueNanos, seconds),
                venueNanos < 0 || frames == 0 ? "?" : String.format("%.1f", venueNanos / 1e3 / frames),
                venueShare() < 0 ? "?" : String.format("%.0f %%", 100 * venueShare()),
                cores(natsNanos, seconds));
    }

    private static String cores(long nanos, double seconds) {
        return nanos < 0 ? "?" : String.format("%.2f", nanos / 1e9 / seconds);
    }
}
