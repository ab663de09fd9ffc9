package io.ssmd.http.gateway;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;

/**
 * The gateway's Prometheus metrics (DESIGN §9). Counters are declared without {@code _total}: the client adds it in
 * the exposition, so {@code /metrics} shows {@code ssmd_gateway_messages_sent_total}.
 */
public final class GatewayMetrics {

    private final GaugeDataPoint clientsConnected;
    private final CounterDataPoint messagesSent;
    private final CounterDataPoint dropped;
    private final CounterDataPoint slowClientsClosed;
    /** Read at each scrape; the gateway's core, once it exists, answers it. */
    private volatile IntSupplier subscriptions = () -> 0;

    private GatewayMetrics(PrometheusRegistry registry) {
        clientsConnected = Gauge.builder()
                .name("ssmd_gateway_clients_connected")
                .help("WebSocket clients connected to /v1/stream")
                .withoutExemplars()
                .register(registry);
        messagesSent = Counter.builder()
                .name("ssmd_gateway_messages_sent")
                .help("Messages handed to WebSocket clients (events, status, lag, replies)")
                .withoutExemplars()
                .register(registry);
        dropped = Counter.builder()
                .name("ssmd_gateway_dropped")
                .help("Events dropped (oldest first) from slow clients' full queues")
                .withoutExemplars()
                .register(registry);
        slowClientsClosed = Counter.builder()
                .name("ssmd_gateway_slow_clients_closed")
                .help("WebSocket clients closed because they stayed behind longer than gateway.max-lag")
                .withoutExemplars()
                .register(registry);
        // The seeds' name (DESIGN §17). Read from the gateway's subscription index at scrape time rather than kept
        // beside it, so it can never drift from what the gateway serves.
        GaugeWithCallback.builder()
                .name("ssmd_gateway_subscriptions_active")
                .help("Subscriptions held by /v1/stream clients: feed x symbol x type, summed over the clients")
                .callback(cb -> cb.call(subscriptions.getAsInt()))
                .register(registry);
    }

    /** Registers the gateway metrics in {@code registry}; call once per registry. */
    public static GatewayMetrics create(PrometheusRegistry registry) {
        return new GatewayMetrics(registry);
    }

    /** Where {@code ssmd_gateway_subscriptions_active} is read from: the gateway's subscription index. */
    void subscriptionsFrom(IntSupplier count) {
        this.subscriptions = count;
    }

    void clientConnected() {
        clientsConnected.inc();
    }

    void clientDisconnected() {
        clientsConnected.dec();
    }

    void sent() {
        messagesSent.inc();
    }

    void dropped(long count) {
        dropped.inc(count);
    }

    void slowClientClosed() {
        slowClientsClosed.inc();
    }

    /** Clients connected now, for tests and the bench. */
    public long clientsConnected() {
        return (long) clientsConnected.get();
    }

    /** Messages sent so far. */
    public long messagesSent() {
        return (long) messagesSent.get();
    }

    /** Events dropped so far. */
    public long droppedTotal() {
        return (long) dropped.get();
    }
}
