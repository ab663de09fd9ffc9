package io.ssmd.core.shard;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters a shard's stream writes and its actor reads for health reports. Thread-safe: the stream runs on its
 * own threads, the actor on its dispatcher.
 */
final class ShardStats {

    private final Map<String, LongAdder> byType = new ConcurrentHashMap<>();
    private final Map<String, String> rejected = new ConcurrentHashMap<>();
    private final AtomicLong lastInboundNanos = new AtomicLong();
    private final AtomicLong lastConnectionStartNanos = new AtomicLong();
    private final AtomicLong lastDataNanos = new AtomicLong();

    void inbound(String type) {
        lastInboundNanos.set(System.nanoTime());
        byType.computeIfAbsent(type, t -> new LongAdder()).increment();
    }

    /** Market data arrived (not a heartbeat, pong, ack or status): what the stall watchdog looks for. */
    void data() {
        lastDataNanos.set(System.nanoTime());
    }

    /**
     * Milliseconds since market data last arrived on the current connection, counted from the connection's start
     * when none has.
     */
    long dataSilenceMs() {
        long reference = Math.max(lastDataNanos.get(), lastConnectionStartNanos.get());
        return reference == 0 ? 0 : (System.nanoTime() - reference) / 1_000_000;
    }

    void rejected(String instrument, String reason) {
        rejected.put(instrument, reason);
    }

    /**
     * Forgets the refusals of instruments the shard no longer has: a market its manager took out to place again is
     * shown refused only if it is refused again.
     */
    void keepRejected(java.util.Collection<String> instruments) {
        rejected.keySet().retainAll(new java.util.HashSet<>(instruments));
    }

    /** A new connection: "last message age" counts from now until its first frame. */
    void connectionStarted() {
        lastConnectionStartNanos.set(System.nanoTime());
    }

    /** Milliseconds since the last inbound frame of the current connection, or -1 when it has had none. */
    long lastMessageAgeMs() {
        long last = lastInboundNanos.get();
        if (last == 0 || last - lastConnectionStartNanos.get() < 0) {
            return -1;
        }
        return (System.nanoTime() - last) / 1_000_000;
    }

    /** Seconds since anything arrived on this connection (or since it started), for ssmd_connector_idle_seconds. */
    double idleSeconds() {
        long reference = Math.max(lastInboundNanos.get(), lastConnectionStartNanos.get());
        return reference == 0 ? 0 : (System.nanoTime() - reference) / 1e9;
    }

    Map<String, Long> messages() {
        Map<String, Long> out = new TreeMap<>();
        byType.forEach((type, count) -> out.put(type, count.sum()));
        return out;
    }

    Map<String, String> rejectedInstruments() {
        return Map.copyOf(rejected);
    }
}
