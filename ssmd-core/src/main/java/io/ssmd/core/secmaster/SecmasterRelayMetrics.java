package io.ssmd.core.secmaster;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The outbox relay's metrics: {@code ssmd_secmaster_outbox_published_total} (rows published and marked) and
 * {@code ssmd_secmaster_outbox_pending} (unpublished rows at the relay's last look; it grows while NATS is away).
 * Registered once per node; the singleton relay reports on the node it runs on.
 */
public final class SecmasterRelayMetrics {

    private final Counter published;
    private final Gauge pending;

    private SecmasterRelayMetrics(PrometheusRegistry registry) {
        // The client adds _total back to a counter's name in every exposition format.
        published = Counter.builder()
                .name("ssmd_secmaster_outbox_published")
                .help("Security-master outbox rows published to NATS and marked published")
                .withoutExemplars()
                .register(registry);
        pending = Gauge.builder()
                .name("ssmd_secmaster_outbox_pending")
                .help("Security-master outbox rows not yet published, at the relay's last look")
                .withoutExemplars()
                .register(registry);
    }

    public static SecmasterRelayMetrics create(PrometheusRegistry registry) {
        return new SecmasterRelayMetrics(registry);
    }

    void published(int rows) {
        if (rows > 0) {
            published.inc(rows);
        }
    }

    void pending(long rows) {
        pending.set(rows);
    }

    /** Rows published so far (for tests and the bench). */
    public double publishedTotal() {
        return published.get();
    }

    /** The pending gauge's value. */
    public double pendingRows() {
        return pending.get();
    }
}
