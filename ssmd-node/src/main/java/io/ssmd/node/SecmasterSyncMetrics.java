package io.ssmd.node;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;

/**
 * The scheduled security-master syncs' metrics (docs/secmaster.md): {@code ssmd_secmaster_sync_failures_total{feed}}
 * and {@code ssmd_secmaster_sync_last_success_seconds{feed}} (epoch seconds of the end of the feed's last good sync; an
 * alert compares it with {@code time()}).
 */
final class SecmasterSyncMetrics {

    private final Counter failures;
    private final Gauge lastSuccess;
    private final Gauge markets;

    private SecmasterSyncMetrics(PrometheusRegistry registry) {
        failures = Counter.builder()
                .name("ssmd_secmaster_sync_failures")
                .help("Scheduled or startup syncs of a feed's security master that failed (retried at the next tick)")
                .labelNames("feed")
                .withoutExemplars()
                .register(registry);
        lastSuccess = Gauge.builder()
                .name("ssmd_secmaster_sync_last_success_seconds")
                .help("When the feed's last scheduled or startup sync of the security master ended well, epoch seconds")
                .labelNames("feed")
                .withoutExemplars()
                .register(registry);
        markets = Gauge.builder()
                .name("ssmd_secmaster_sync_markets")
                .help("Markets the feed's last good sync read from the venue")
                .labelNames("feed")
                .withoutExemplars()
                .register(registry);
    }

    /** Registers the metrics in {@code registry}; call once per registry. */
    static SecmasterSyncMetrics create(PrometheusRegistry registry) {
        return new SecmasterSyncMetrics(registry);
    }

    /** Shows the feed's failure counter at 0 before its first failure, so that an alert on its increase sees it. */
    void track(String feed) {
        failures.labelValues(feed);
    }

    void failed(String feed) {
        failures.labelValues(feed).inc();
    }

    void succeeded(String feed, int seen, Instant at) {
        lastSuccess.labelValues(feed).set(at.toEpochMilli() / 1000.0);
        markets.labelValues(feed).set(seen);
    }

    long failures(String feed) {
        return (long) failures.labelValues(feed).get();
    }

    double lastSuccess(String feed) {
        return lastSuccess.labelValues(feed).get();
    }
}
