package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster bootstrap with Kubernetes API discovery, without a Kubernetes: two JVMs of the jar run with the environment
 * the Helm chart renders for a connector pod and a gateway pod, against a stand-in for the API server (HTTPS, a bearer
 * token, the pod list the label selector asks for). They find each other through it and form one cluster: the
 * chart's one shared label selector, the RBAC-shaped request and the node's bootstrap wiring agree.
 */
class KubernetesBootstrapTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String NAMESPACE = "market";
    private static final String TOKEN = "test-service-account-token";

    @TempDir
    Path dir;

    private final List<NodeJvm> started = new ArrayList<>();
    private HttpsServer api;
    private boolean passed;

    @AfterEach
    void stop() throws Exception {
        for (NodeJvm node : started) {
            node.close();
        }
        if (api != null) {
            api.stop(0);
        }
        if (!passed) {
            started.forEach(NodeJvm::printTails);
        }
    }

    @Test
    void podsRenderedByTheChartFormOneClusterThroughTheKubernetesApi() throws Exception {
        List<JsonNode> rendered = render();
        JsonNode connector = container(rendered, "ssmd-connectors");
        JsonNode gateway = container(rendered, "ssmd-gateways");

        int management = NodeJvm.freePorts(2);
        int remoting = NodeJvm.freePorts(2);
        List<String> requests = new CopyOnWriteArrayList<>();
        startApi(List.of(management, management + 1), requests);

        Path config = dir.resolve("application.conf");
        Files.writeString(config, """
                ssmd.secmaster.sync-every = off
                # What a pod has from its service account, here in files of the test.
                pekko.discovery.kubernetes-api {
                  api-ca-path = "%s"
                  api-token-path = "%s"
                  pod-namespace = "%s"
                  # Both "pods" are 127.0.0.1: no pod DNS names here.
                  use-raw-ip = true
                }
                """.formatted(dir.resolve("ca.crt"), dir.resolve("token"), NAMESPACE));
        Files.writeString(dir.resolve("token"), TOKEN);
        Path environment = NodeJvm.smallEnvironment(
                dir, NatsServerExtension.freshName("k8s").toLowerCase());

        NodeJvm a = startPod("a", connector, config, environment, management, remoting);
        NodeJvm b = startPod("b", gateway, config, environment, management + 1, remoting + 1);

        for (int port : List.of(management, management + 1)) {
            await().atMost(WAIT).until(() -> upMembers(port) == 2);
            await().atMost(WAIT).until(() -> NodeJvm.get(port, "/ready").status() == 200);
        }
        assertThat(requests)
                .as("pod lists asked of the API server")
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r)
                        .isEqualTo("GET /api/v1/namespaces/market/pods?labelSelector=ssmd.io/cluster=ssmd" + " Bearer "
                                + TOKEN));
        assertThat(a.logged(
                        "cluster bootstrap: contact points from the Kubernetes API, pods labelled ssmd.io/cluster=%s"
                                + " (service ssmd)"))
                .isTrue();
        assertThat(a.process.isAlive() && b.process.isAlive()).isTrue();
        passed = true;
    }

    /** A pod: the container's rendered env, with what the kubelet and the Secrets would fill in. */
    private NodeJvm startPod(
            String name, JsonNode container, Path config, Path environment, int management, int remoting)
            throws IOException {
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : container.get("env")) {
            String key = e.path("name").asText();
            if (e.has("value")) {
                env.put(key, e.path("value").asText().replace("$(POD_IP)", "127.0.0.1"));
            } else if (key.equals("SSMD_DB_PASSWORD")) {
                env.put(key, PG.settings().password().orElse(""));
            }
        }
        env.remove("JAVA_TOOL_OPTIONS"); // sized for a pod's memory limit, not for this host
        env.put("POD_IP", "127.0.0.1");
        env.put("SSMD_NATS_URL", NATS.url());
        env.put("SSMD_DB_URL", PG.url());
        env.put("SSMD_DB_USER", PG.settings().user());
        env.put("SSMD_ENV_FILE", environment.toString());
        // Two "pods" on one host: ports of their own.
        env.put("SSMD_MANAGEMENT_PORT", Integer.toString(management));
        env.put("SSMD_REMOTE_PORT", Integer.toString(remoting));
        env.put("SSMD_HTTP_PORT", Integer.toString(NodeJvm.freePorts(1)));
        env.put("SSMD_HTTP_INTERFACE", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(api.getAddress().getPort()));
        assertThat(env)
                .containsEntry("SSMD_CLUSTER_BOOTSTRAP", "kubernetes")
                .containsEntry("SSMD_BOOTSTRAP_POD_LABEL_SELECTOR", "ssmd.io/cluster=%s");
        List<String> args = new ArrayList<>();
        container.get("args").forEach(arg -> args.add(arg.asText()));
        assertThat(args.remove(0)).isEqualTo("run");
        args.set(args.indexOf("--config") + 1, config.toString());
        NodeJvm node = NodeJvm.start(dir.resolve(name), env, args);
        started.add(node);
        return node;
    }

    /** The API server's pod list: answers the chart's selector with both pods, anything else with none. */
    private void startApi(List<Integer> managementPorts, List<String> requests) throws Exception {
        Path keystore = dir.resolve("api.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "api",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "api",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                dir.resolve("ca.crt").toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        api = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.setHttpsConfigurator(new HttpsConfigurator(tls));
        api.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            requests.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                            + (query == null ? "" : "?" + query) + " "
                            + exchange.getRequestHeaders().getFirst("Authorization"));
            boolean selected = exchange.getRequestURI().getPath().equals("/api/v1/namespaces/" + NAMESPACE + "/pods")
                    && "labelSelector=ssmd.io/cluster=ssmd".equals(query)
                    && ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = podList(selected ? managementPorts : List.of()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
    }

    private static String podList(List<Integer> managementPorts) {
        ObjectNode list = JSON.createObjectNode();
        ArrayNode items = list.putArray("items");
        for (int port : managementPorts) {
            ObjectNode pod = items.addObject();
            pod.putObject("metadata").put("name", "ssmd-" + port);
            ObjectNode container = pod.putObject("spec").putArray("containers").addObject();
            container.put("name", "ssmd");
            container.putArray("ports").addObject().put("name", "management").put("containerPort", port);
            ObjectNode status = pod.putObject("status");
            status.put("podIP", "127.0.0.1").put("phase", "Running");
            status.putArray("containerStatuses")
                    .addObject()
                    .put("name", "ssmd")
                    .putObject("state")
                    .putObject("running");
        }
        return list.toString();
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static List<JsonNode> render() throws IOException {
        String yaml = new Helm(ShippedExchanges.projectDir().resolve("helm/ssmd"))
                .template()
                .withName("ssmd")
                .withNamespace(NAMESPACE)
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

    private static JsonNode container(List<JsonNode> docs, String workload) {
        return docs.stream()
                .filter(d -> d.at("/metadata/name").asText().equals(workload))
                .filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst()
                .orElseThrow()
                .at("/spec/template/spec/containers/0");
    }

    private static int upMembers(int managementPort) throws IOException {
        NodeJvm.Response r = NodeJvm.get(managementPort, "/cluster/members");
        if (r.status() != 200) {
            return 0;
        }
        int up = 0;
        for (JsonNode member : JSON.readTree(r.body()).path("members")) {
            if (member.path("status").asText().equals("Up")) {
                up++;
            }
        }
        return up;
    }
}
