package io.ssmd.bench;

import io.nats.client.JetStream;
import io.nats.client.impl.Headers;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.nats.PublisherSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: raw jnats JetStream async publishing of 300-byte messages to a file-backed stream, at most as many
 * outstanding as ssmd's default publisher window, on a nats-server of its own. What the publisher could reach if it
 * cost nothing.
 */
public final class NatsCeilingBench {

    /** What each message carries besides its payload. */
    public enum HeaderSet {
        /** No headers: the bare JetStream ceiling. */
        NONE("nats-ceiling (no headers)"),
        /** A {@code Nats-Msg-Id} per message, as deduplication needs: the like-for-like ceiling for ssmd. */
        MSG_ID("nats-ceiling (Nats-Msg-Id)"),
        /** ssmd's three headers ({@code Nats-Msg-Id}, {@code Ssmd-Received-At}, {@code Ssmd-Shard}). */
        SSMD("nats-ceiling (ssmd headers)");

        private final String label;

        HeaderSet(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final int MAX_OUTSTANDING = PublisherSettings.defaults().window();

    private NatsCeilingBench() {}

    /** Runs every variant, each on a server of its own after a warm-up. */
    public static List<BenchResult> run(int messages) {
        List<BenchResult> results = new ArrayList<>();
        for (HeaderSet variant : HeaderSet.values()) {
            results.add(run(messages, variant));
        }
        return results;
    }

    /** Runs one variant on a server of its own: a warm-up, then {@code messages} timed until the last ack. */
    public static BenchResult run(int messages, HeaderSet variant) {
        try (BenchServer server = BenchServer.start()) {
            return measure(server, variant, messages);
        }
    }

    private static BenchResult measure(BenchServer server, HeaderSet variant, int messages) {
        String prefix = "ceiling" + variant.ordinal();
        server.createStream(prefix.toUpperCase(Locale.ROOT), prefix);
        JetStream js = jetStream(server);
        byte[] payload = BenchServer.payload();
        publish(js, prefix + ".warmup", variant, payload, Benchmarks.warmUpCount(messages), "w");
        long start = System.nanoTime();
        publish(js, prefix + ".measured", variant, payload, messages, "m");
        return BenchResult.of(variant.label(), messages, System.nanoTime() - start);
    }

    private static void publish(
            JetStream js, String subject, HeaderSet variant, byte[] payload, int count, String phase) {
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        AtomicLong failures = new AtomicLong();
        try {
            for (int i = 0; i < count; i++) {
                outstanding.acquire();
                js.publishAsync(subject, headers(variant, phase, i), payload).whenComplete((ack, error) -> {
                    if (error != null) {
                        failures.incrementAndGet();
                    }
                    outstanding.release();
                });
            }
            outstanding.acquire(MAX_OUTSTANDING);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + count + " publishes failed; the figure is void");
        }
    }

    private static Headers headers(HeaderSet variant, String phase, int i) {
        return switch (variant) {
            case NONE -> null;
            case MSG_ID -> new Headers().put(PublishHeaders.MSG_ID, "bench-0:" + phase + ":" + i + ":0");
            case SSMD ->
                new Headers()
                        .put(PublishHeaders.MSG_ID, "bench-0:" + phase + ":" + i + ":0")
                        .put(PublishHeaders.RECEIVED_AT, Long.toString(1_767_225_600_000_000L + i))
                        .put(PublishHeaders.SHARD, "bench-0");
        };
    }

    private static JetStream jetStream(BenchServer server) {
        try {
            return server.connection().jetStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
