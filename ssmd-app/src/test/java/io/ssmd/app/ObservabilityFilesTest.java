package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the Grafana dashboard shipped with the chart (helm/ssmd/files; issue 19 item 4): they parse, have
 * what Prometheus and Grafana need, and every metric they name is one a node registers.
 */
class ObservabilityFilesTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final Path RULES = ShippedExchanges.projectDir().resolve("helm/ssmd/files/prometheus/ssmd-rules.yaml");
    static final Path DASHBOARD = ShippedExchanges.projectDir().resolve("helm/ssmd/files/grafana/ssmd-dashboard.json");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC = Pattern.compile("\\bssmd_[a-z0-9_]+");

    @TempDir
    Path dir;

    private ActorSystem<Void> system;

    @AfterEach
    void terminate() {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    @Test
    void theRulesFileIsPrometheusRuleGroupsWithExprForSeverityAndAnnotations() throws IOException {
        JsonNode groups = YAML.readTree(RULES.toFile()).path("groups");
        assertThat(groups.isArray()).isTrue();
        assertThat(groups).isNotEmpty();
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : groups) {
            assertThat(group.path("name").asText()).isNotBlank();
            assertThat(group.path("rules")).as(group.path("name").asText()).isNotEmpty();
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                alerts.add(alert);
                assertThat(alert).matches("[A-Z][A-Za-z]+");
                assertThat(rule.path("expr").asText()).as(alert).contains("ssmd_");
                assertThat(rule.path("for").asText()).as(alert).matches("[0-9]+[smh]");
                assertThat(rule.at("/labels/severity").asText()).as(alert).isIn("critical", "warning", "info");
                assertThat(rule.at("/annotations/summary").asText()).as(alert).isNotBlank();
                assertThat(rule.at("/annotations/description").asText())
                        .as(alert)
                        .isNotBlank();
            }
        }
        assertThat(alerts)
                .doesNotHaveDuplicates()
                .contains(
                        "ConnectorNoData",
                        "ConnectorHighLag",
                        "ArchiverLag",
                        "ArchiveGaps",
                        "ConnectorPublishFailures",
                        "MarketsDropped",
                        "StreamFilling");
    }

    @Test
    void theDashboardParsesAndEveryPanelQueriesTheDatasourceVariable() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        JsonNode datasource = null;
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (variable.path("type").asText().equals("datasource")) {
                datasource = variable;
            }
        }
        assertThat(datasource).as("a datasource variable").isNotNull();
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
        String uid = "${" + datasource.path("name").asText() + "}";

        List<String> rows = new ArrayList<>();
        int queries = 0;
        for (JsonNode panel : panels(dashboard)) {
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                continue;
            }
            String title = panel.path("title").asText();
            assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo(uid);
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.at("/datasource/uid").asText()).as(title).isEqualTo(uid);
                assertThat(target.path("expr").asText()).as(title).contains("ssmd_");
                queries++;
            }
        }
        assertThat(rows).containsExactly("Feeds", "Shards", "Archive", "Gateway", "Quality");
        assertThat(queries).isGreaterThan(20);
        // No datasource is fixed anywhere: an imported dashboard asks for it.
        assertThat(dashboard.toString()).doesNotContain("\"uid\":\"prometheus\"");
    }

    @Test
    void everyMetricARuleOrAPanelNamesIsRegisteredByANode() throws Exception {
        Set<String> used = new TreeSet<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                used.addAll(metricNames(rule.path("expr").asText()));
            }
        }
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                used.addAll(metricNames(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            used.addAll(metricNames(variable.path("definition").asText()));
        }
        assertThat(used)
                .contains(
                        "ssmd_connector_messages_received_total",
                        "ssmd_connector_messages_published_total",
                        "ssmd_connector_lag_seconds_bucket",
                        "ssmd_connector_errors_total",
                        "ssmd_gateway_subscriptions_active",
                        "ssmd_archiver_stream_bytes");

        // A node with every role and the shipped environment (shards, archivers, gateway) registers them at start;
        // labelled ones have no series yet, so the registry is read, not /metrics.
        Path env = ShippedExchanges.copyInto(dir);
        ShippedExchanges.edit(env, "archive-root: ./data/archive", "archive-root: " + dir.resolve("archive"));
        system = ActorSystem.create(
                Behaviors.empty(),
                "ssmd-test",
                NodeConfig.forNode(
                        NodeConfig.layered(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0"))));
        Ssmd node = Ssmd.start(
                system,
                TestNodeSettings.of("test-node", dir, Optional.of(NATS.url()), Path.of("unused")),
                EnvironmentLoader.load(env, Map.of()));

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(used)
                        .as("metrics used by rules or panels that the node does not register")
                        .isSubsetOf(exposedNames(node.registry())));
        assertThat(exposedNames(node.registry())).doesNotContain("ssmd_connector_no_such_metric_total");
    }

    /** Every series name the registry's metrics can expose, suffixes included ({@code _total}, {@code _bucket}...). */
    static Set<String> exposedNames(PrometheusRegistry registry) {
        Set<String> names = new TreeSet<>();
        for (MetricSnapshot metric : registry.scrape()) {
            String name = metric.getMetadata().getPrometheusName();
            if (metric instanceof CounterSnapshot) {
                names.add(name + "_total");
            } else if (metric instanceof HistogramSnapshot) {
                names.addAll(List.of(name + "_bucket", name + "_sum", name + "_count"));
            } else if (metric instanceof InfoSnapshot) {
                names.add(name.endsWith("_info") ? name : name + "_info");
            } else {
                names.add(name);
            }
        }
        return names;
    }

    static Set<String> metricNames(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(promql);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add);
        }
        return all;
    }
}
