package io.ssmd.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConnectorMetricsTest {

    @Test
    void exposesTheDesignNamesWithTheirTotalSuffix() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        ConnectorMetrics metrics = ConnectorMetrics.create(registry);
        metrics.messages().labelValues("kraken", "kraken-0", "trade").inc();
        metrics.websocketConnected().labelValues("kraken", "kraken-0").set(1);
        metrics.idleSeconds().labelValues("kraken", "kraken-0").set(2);
        metrics.reconnects().labelValues("kraken", "kraken-0").inc();
        metrics.parseErrors().labelValues("kraken", "kraken-0").inc();
        metrics.resyncs().labelValues("kraken", "kraken-0").inc();
        metrics.marketsSubscribed().labelValues("kraken", "kraken-0").set(3);
        ConnectorMetrics.PublishMetrics publish = metrics.publish("kraken", "kraken-0");
        publish.seconds().observe(0.002);
        publish.failed().inc();
        publish.duplicates().inc();
        publish.published().inc();
        publish.errors().inc();
        metrics.messagesReceived().labelValues("kraken", "kraken-0").inc();
        metrics.lagSeconds().labelValues("kraken", "kraken-0").observe(0.02);
        metrics.errors()
                .labelValues("kraken", "kraken-0", ConnectorMetrics.ERROR_PARSE)
                .inc();

        String text = scrape(registry, PrometheusTextFormatWriter.create());
        String openMetrics = scrape(registry, OpenMetricsTextFormatWriter.create());

        for (String exposition : new String[] {text, openMetrics}) {
            assertThat(exposition)
                    .contains("ssmd_connector_messages_total{feed=\"kraken\",shard=\"kraken-0\",type=\"trade\"} 1")
                    .contains("ssmd_connector_websocket_connected{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_idle_seconds{feed=\"kraken\",shard=\"kraken-0\"} 2")
                    .contains("ssmd_connector_reconnects_total{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_parse_errors_total{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_publish_seconds_count{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_publish_failed_total{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_duplicates_total{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_resyncs_total{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_markets_subscribed{feed=\"kraken\",shard=\"kraken-0\"} 3")
                    // The seeds' names (DESIGN §17) beside ours.
                    .contains("ssmd_connector_messages_received_total{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_messages_published_total{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_lag_seconds_bucket{feed=\"kraken\",shard=\"kraken-0\",le=\"0.025\"} 1")
                    .contains("ssmd_connector_lag_seconds_count{feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains("ssmd_connector_errors_total{error_type=\"parse\",feed=\"kraken\",shard=\"kraken-0\"} 1")
                    .contains(
                            "ssmd_connector_errors_total{error_type=\"publish\",feed=\"kraken\",shard=\"kraken-0\"} 1");
        }
        assertThat(text).contains("# TYPE ssmd_connector_duplicates_total counter");
    }

    @Test
    void publishMetricsOfAShardAreLookedUpOnce() {
        ConnectorMetrics metrics = ConnectorMetrics.create(new PrometheusRegistry());

        assertThat(metrics.publish("kalshi", "kalshi-1")).isSameAs(metrics.publish("kalshi", "kalshi-1"));
        assertThat(metrics.publish("kalshi", "kalshi-1")).isNotSameAs(metrics.publish("kalshi", "kalshi-2"));
    }

    private static String scrape(
            PrometheusRegistry registry, io.prometheus.metrics.expositionformats.ExpositionFormatWriter writer)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
