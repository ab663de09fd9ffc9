package io.ssmd.core.metrics;

import io.nats.client.Connection;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;

/**
 * Metrics of the node itself, present from the first scrape (the connector metrics carry labels and appear only
 * once a shard has used them).
 */
public final class NodeMetrics {

    private NodeMetrics() {}

    /** Registers {@code ssmd_node_info}, {@code ssmd_node_start_time_seconds} and {@code ssmd_nats_connected}. */
    public static void register(
            PrometheusRegistry registry, String node, String version, Instant startedAt, Connection nats) {
        Info.builder()
                .name("ssmd_node_info")
                .help("The node's name and ssmd version")
                .labelNames("node", "version")
                .register(registry)
                .addLabelValues(node, version);
        GaugeWithCallback.builder()
                .name("ssmd_node_start_time_seconds")
                .help("When the node started, Unix seconds")
                .callback(cb -> cb.call(startedAt.toEpochMilli() / 1000.0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("ssmd_nats_connected")
                .help("1 while the node's NATS connection is connected, else 0")
                .callback(cb -> cb.call(nats.getStatus() == Connection.Status.CONNECTED ? 1 : 0))
                .register(registry);
    }
}
