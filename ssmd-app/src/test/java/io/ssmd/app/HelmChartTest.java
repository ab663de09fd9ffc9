package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.ValidationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart {@code helm/ssmd} (issue 18 item 5), through helm-java's bundled Helm library: lint, template with the
 * default values and with the production example, assertions on the rendered objects, and values.schema.json.
 */
class HelmChartTest {

    private static final Path CHART = ShippedExchanges.projectDir().resolve("helm/ssmd");
    private static final Path PRODUCTION = CHART.resolve("examples/production-values.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> POOLS = List.of("connectors", "archivers", "gateways");

    @TempDir
    Path dir;

    @Test
    void lintsCleanWithTheDefaultValues() {
        LintResult result = new Helm(CHART).lint().call();
        assertThat(result.isFailed()).as("lint: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultValuesRenderOnePoolPerRoleFormingOneClusterThroughKubernetesDiscovery() throws IOException {
        Rendered r = render(Optional.empty());

        JsonNode connectors = r.one("Deployment", "ssmd-connectors");
        JsonNode archivers = r.one("StatefulSet", "ssmd-archivers");
        JsonNode gateways = r.one("Deployment", "ssmd-gateways");
        for (JsonNode workload : List.of(connectors, archivers, gateways)) {
            JsonNode pod = workload.at("/spec/template");
            JsonNode c = container(workload);
            String pool =
                    workload.at("/metadata/labels/app.kubernetes.io~1component").asText();
            // One label on every pod, one selector for the bootstrap: all pools find each other.
            assertThat(pod.at("/metadata/labels/ssmd.io~1cluster").asText()).isEqualTo("ssmd");
            assertThat(env(c, "SSMD_BOOTSTRAP_POD_LABEL_SELECTOR")).isEqualTo("ssmd.io/cluster=%s");
            assertThat(env(c, "SSMD_BOOTSTRAP_SERVICE_NAME")).isEqualTo("ssmd");
            assertThat(env(c, "SSMD_CLUSTER_BOOTSTRAP")).isEqualTo("kubernetes");
            assertThat(env(c, "SSMD_REMOTE_HOST")).isEqualTo("$(POD_IP)");
            assertThat(env(c, "SSMD_MANAGEMENT_BIND_HOST")).isEqualTo("0.0.0.0");
            assertThat(env(c, "SSMD_HTTP_INTERFACE")).as(pool).isEqualTo("0.0.0.0");
            assertThat(env(c, "SSMD_NATS_URL")).isEqualTo("nats://nats:4222");
            assertThat(env(c, "SSMD_DB_URL")).startsWith("jdbc:postgresql://");
            assertThat(secretRef(c, "SSMD_DB_PASSWORD")).isEqualTo("ssmd-database/password");
            assertThat(env(c, "SSMD_ENV_FILE")).isEqualTo("/etc/ssmd/exchanges/environments/default.yaml");
            assertThat(ports(c)).isEqualTo(Map.of("http", 8080, "remoting", 25520, "management", 7626));
            assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
            assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("management");
            assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/alive");
            assertThat(c.at("/startupProbe/httpGet/path").asText()).isEqualTo("/alive");
            assertThat(c.at("/resources/requests/memory").asText()).isNotEmpty();
            assertThat(pod.at("/spec/serviceAccountName").asText()).isEqualTo("ssmd");
            assertThat(text(c.get("args"))).containsSubsequence("--roles", pool.substring(0, pool.length() - 1));
            // Kalshi and S3 need existing Secrets; without them nothing refers to them.
            assertThat(c.toString()).doesNotContain("KALSHI_").doesNotContain("AWS_");
            assertThat(r.one("PodDisruptionBudget", "ssmd-" + pool)
                            .at("/spec/maxUnavailable")
                            .asInt())
                    .isEqualTo(1);
        }
        assertThat(connectors.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(archivers.at("/spec/volumeClaimTemplates/0/metadata/name").asText())
                .isEqualTo("data");
        assertThat(archivers
                        .at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage")
                        .asText())
                .isEqualTo("50Gi");
        assertThat(container(archivers).toString()).contains("\"mountPath\":\"/var/lib/ssmd/data\"");

        JsonNode service = r.one("Service", "ssmd-gateway");
        assertThat(service.at("/spec/selector/app.kubernetes.io~1component").asText())
                .isEqualTo("gateways");
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");

        JsonNode role = r.one("Role", "ssmd-pod-reader");
        assertThat(text(role.at("/rules/0/resources"))).containsExactly("pods");
        assertThat(text(role.at("/rules/0/verbs"))).containsExactlyInAnyOrder("get", "watch", "list");
        JsonNode binding = r.one("RoleBinding", "ssmd-pod-reader");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo("ssmd-pod-reader");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("ssmd");
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo("market");
        r.one("ServiceAccount", "ssmd");
        assertThat(r.ofKind("ServiceMonitor")).isEmpty();

        // The exchanges ConfigMaps carry the repository's files, unchanged.
        JsonNode feeds = r.one("ConfigMap", "ssmd-feeds").get("data");
        try (Stream<Path> files = Files.list(ShippedExchanges.projectDir().resolve("exchanges/feeds"))) {
            for (Path file : files.toList()) {
                assertThat(feeds.path(file.getFileName().toString()).asText())
                        .as(file.toString())
                        .isEqualTo(Files.readString(file));
            }
        }
        assertThat(r.one("ConfigMap", "ssmd-environments")
                        .at("/data/default.yaml")
                        .asText())
                .isEqualTo(
                        Files.readString(ShippedExchanges.projectDir().resolve("exchanges/environments/default.yaml")));
    }

    @Test
    void theProductionValuesRenderThreePoolsWithEveryCredentialFromASecret() throws IOException {
        Rendered r = render(Optional.of(PRODUCTION));

        JsonNode connectors = container(r.one("Deployment", "ssmd-connectors"));
        JsonNode archivers = container(r.one("StatefulSet", "ssmd-archivers"));
        JsonNode gateways = container(r.one("Deployment", "ssmd-gateways"));
        assertThat(r.one("Deployment", "ssmd-connectors").at("/spec/replicas").asInt())
                .isEqualTo(3);
        assertThat(r.one("StatefulSet", "ssmd-archivers").at("/spec/replicas").asInt())
                .isEqualTo(2);
        assertThat(r.one("Deployment", "ssmd-gateways").at("/spec/replicas").asInt())
                .isEqualTo(2);
        assertThat(r.one("StatefulSet", "ssmd-archivers")
                        .at("/spec/volumeClaimTemplates/0/spec/storageClassName")
                        .asText())
                .isEqualTo("fast-ssd");

        for (JsonNode c : List.of(connectors, archivers, gateways)) {
            assertThat(env(c, "SSMD_ENV_FILE")).isEqualTo("/etc/ssmd/exchanges/environments/prod.yaml");
            assertThat(env(c, "SSMD_BOOTSTRAP_REQUIRED_CONTACT_POINTS")).isEqualTo("3");
            assertThat(env(c, "SSMD_NATS_USER")).isEqualTo("ssmd");
            assertThat(secretRef(c, "SSMD_NATS_PASSWORD")).isEqualTo("ssmd-nats/password");
            assertThat(secretRef(c, "SSMD_DB_PASSWORD")).isEqualTo("ssmd-database/password");
            // No credential is a literal value.
            for (JsonNode e : c.get("env")) {
                if (e.path("name").asText().matches(".*(PASSWORD|TOKEN|SECRET|KEY_ID)")) {
                    assertThat(e.has("value")).as(e.toString()).isFalse();
                }
            }
        }
        assertThat(secretRef(connectors, "KALSHI_API_KEY_ID")).isEqualTo("ssmd-kalshi/api-key-id");
        assertThat(env(connectors, "KALSHI_PRIVATE_KEY_FILE")).isEqualTo("/etc/ssmd/kalshi/private-key.pem");
        assertThat(secretRef(archivers, "AWS_ACCESS_KEY_ID")).isEqualTo("ssmd-s3/access-key-id");
        assertThat(secretRef(archivers, "AWS_SECRET_ACCESS_KEY")).isEqualTo("ssmd-s3/secret-access-key");
        assertThat(gateways.toString()).doesNotContain("KALSHI_").doesNotContain("AWS_");
        assertThat(archivers.toString()).doesNotContain("KALSHI_");
        assertThat(r.one("PodDisruptionBudget", "ssmd-gateways")
                        .at("/spec/maxUnavailable")
                        .asInt())
                .isEqualTo(1);
        JsonNode monitor = r.one("ServiceMonitor", "ssmd");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
        assertThat(r.one("Service", "ssmd-metrics")
                        .at("/spec/selector/ssmd.io~1cluster")
                        .asText())
                .isEqualTo("ssmd");
        assertThat(r.one("ConfigMap", "ssmd-application")
                        .at("/data/application.conf")
                        .asText())
                .contains("password-env = \"SSMD_NATS_PASSWORD\"");

        // The environment the pods run is valid, with the rendered feed files and the credentials' variables set.
        Path exchanges = dir.resolve("exchanges");
        Files.createDirectories(exchanges.resolve("feeds"));
        Files.createDirectories(exchanges.resolve("environments"));
        r.one("ConfigMap", "ssmd-feeds")
                .get("data")
                .fields()
                .forEachRemaining(f -> write(
                        exchanges.resolve("feeds").resolve(f.getKey()),
                        f.getValue().asText()));
        Path prod = exchanges.resolve("environments/prod.yaml");
        write(
                prod,
                r.one("ConfigMap", "ssmd-environments").at("/data/prod.yaml").asText());
        Path key = dir.resolve("private-key.pem");
        write(key, "unused: validation checks the file is there\n");
        ValidationReport report = EnvironmentLoader.validate(
                prod,
                Map.of(
                        "KALSHI_API_KEY_ID", "id",
                        "KALSHI_PRIVATE_KEY_FILE", key.toString(),
                        "AWS_ACCESS_KEY_ID", "id",
                        "AWS_SECRET_ACCESS_KEY", "secret"));
        assertThat(report.environment()).as("%s", report.errors()).isPresent();
    }

    @Test
    void valuesTheSchemaRejectsAreRefusedWithTheirPath() {
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("ssmd")
                        .set("pools.connectors.replicas", "three")
                        .call())
                .hasMessageContaining("/pools/connectors/replicas")
                .hasMessageContaining("want integer");
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("ssmd")
                        .set("nats.url", "http://nats:4222")
                        .call())
                .hasMessageContaining("/nats/url");
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("ssmd")
                        .set("pools.gateways.roles[0]", "gatway")
                        .call())
                .hasMessageContaining("/pools/gateways/roles/0");
    }

    private Rendered render(Optional<Path> values) throws IOException {
        var template = new Helm(CHART).template().withName("ssmd").withNamespace("market");
        values.ifPresent(template::withValuesFile);
        String yaml = template.call();
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
        return new Rendered(docs);
    }

    private record Rendered(List<JsonNode> docs) {
        List<JsonNode> ofKind(String kind) {
            return docs.stream()
                    .filter(d -> d.path("kind").asText().equals(kind))
                    .toList();
        }

        JsonNode one(String kind, String name) {
            List<JsonNode> found = ofKind(kind).stream()
                    .filter(d -> d.at("/metadata/name").asText().equals(name))
                    .toList();
            assertThat(found).as("%s %s among %s", kind, name, names()).hasSize(1);
            return found.get(0);
        }

        List<String> names() {
            return docs.stream()
                    .map(d -> d.path("kind").asText() + "/"
                            + d.at("/metadata/name").asText())
                    .toList();
        }
    }

    private static JsonNode container(JsonNode workload) {
        return workload.at("/spec/template/spec/containers/0");
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.get("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText();
            }
        }
        throw new AssertionError(name + " not in the container's env: " + container.get("env"));
    }

    /** {@code secret/key} of an env entry's secretKeyRef. */
    private static String secretRef(JsonNode container, String name) {
        for (JsonNode e : container.get("env")) {
            if (e.path("name").asText().equals(name)) {
                JsonNode ref = e.at("/valueFrom/secretKeyRef");
                assertThat(ref.isMissingNode())
                        .as("%s comes from a secret: %s", name, e)
                        .isFalse();
                return ref.path("name").asText() + "/" + ref.path("key").asText();
            }
        }
        throw new AssertionError(name + " not in the container's env: " + container.get("env"));
    }

    private static Map<String, Integer> ports(JsonNode container) {
        Map<String, Integer> ports = new java.util.TreeMap<>();
        container
                .get("ports")
                .forEach(p -> ports.put(
                        p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    private static List<String> text(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
