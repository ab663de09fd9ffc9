package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules (PrometheusRule) and Grafana dashboard (a ConfigMap for the sidecar): rendered from the files
 * {@link ObservabilityFilesTest} checks when {@code metrics.*.enabled}, absent by default, and their values validated
 * by values.schema.json.
 */
class HelmObservabilityTest {

    private static final Path CHART = ShippedExchanges.projectDir().resolve("helm/ssmd");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void neitherTheRulesNorTheDashboardRenderByDefault() throws IOException {
        List<JsonNode> docs = render(t -> t);

        assertThat(kinds(docs)).doesNotContain("PrometheusRule");
        assertThat(docs).noneMatch(d -> d.at("/metadata/name").asText().equals("ssmd-dashboard"));
    }

    @Test
    void enabledTheyRenderThePrometheusRuleFromTheRulesFileAndTheDashboardConfigMapForTheSidecar() throws IOException {
        List<JsonNode> docs = render(t -> t.set("metrics.prometheusRule.enabled", "true")
                .set("metrics.prometheusRule.labels.release", "kube-prometheus-stack")
                .set("metrics.grafanaDashboard.enabled", "true"));

        JsonNode rule = one(docs, "PrometheusRule", "ssmd");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(rule.at("/metadata/labels/app.kubernetes.io~1instance").asText())
                .isEqualTo("ssmd");
        // The spec is the rules file itself: same groups, same rules, expressions and Prometheus templates intact.
        assertThat(rule.path("spec")).isEqualTo(YAML.readTree(ObservabilityFilesTest.RULES.toFile()));
        assertThat(rule.at("/spec/groups/0/rules/0/annotations/summary").asText())
                .contains("{{ $labels.feed }}");

        JsonNode dashboard = one(docs, "ConfigMap", "ssmd-dashboard");
        assertThat(dashboard.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(JSON.readTree(dashboard.at("/data/ssmd.json").asText()))
                .isEqualTo(JSON.readTree(Files.readString(ObservabilityFilesTest.DASHBOARD)));
    }

    @Test
    void theSchemaRefusesBadValuesOfTheNewKeys() {
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("ssmd")
                        .set("metrics.prometheusRule.enabled", "yes please")
                        .call())
                .hasMessageContaining("/metrics/prometheusRule/enabled")
                .hasMessageContaining("want boolean");
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("ssmd")
                        .set("metrics.grafanaDashboard.labelz.grafana_dashboard", "1")
                        .call())
                .hasMessageContaining("labelz");
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("ssmd")
                        .set("metrics.prometheusRules.enabled", "true")
                        .call())
                .hasMessageContaining("prometheusRules");
    }

    private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) throws IOException {
        String yaml = values.apply(new Helm(CHART).template().withName("ssmd").withNamespace("market"))
                .call();
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.has("kind")) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static List<String> kinds(List<JsonNode> docs) {
        return docs.stream().map(d -> d.path("kind").asText()).toList();
    }

    private static JsonNode one(List<JsonNode> docs, String kind, String name) {
        List<JsonNode> found = docs.stream()
                .filter(d -> d.path("kind").asText().equals(kind)
                        && d.at("/metadata/name").asText().equals(name))
                .toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }
}
