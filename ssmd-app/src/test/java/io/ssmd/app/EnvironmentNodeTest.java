package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node and the CLI on one embedded H2 file: the node (in this JVM) records the environment version it runs, and the
 * real command line in another JVM reads and applies versions while the node holds the file (H2's auto-server, on
 * loopback only); the running node notices the new version and says it needs a restart.
 */
class EnvironmentNodeTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ActorSystem<Void> system;
    private final CapturedLogs logs = new CapturedLogs();
    private final Logger watchLogger = (Logger) LoggerFactory.getLogger("io.ssmd.node.EnvironmentWatch");

    @BeforeEach
    void captureLogs() {
        logs.start();
        watchLogger.addAppender(logs);
    }

    @AfterEach
    void stop() {
        watchLogger.detachAppender(logs);
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    @Test
    void theCliInAnotherJvmWorksWhileTheNodeHoldsTheEmbeddedDatabaseAndTheNodeNoticesANewVersion() throws Exception {
        Path env = ShippedExchanges.copyInto(dir);
        ShippedExchanges.edit(env, "archive-root: ./data/archive", "archive-root: " + dir.resolve("archive"));
        NodeSettings test = TestNodeSettings.of("env-node", dir, Optional.of(NATS.url()), env);
        // The node's own default URL for the embedded database: auto-server, as `ssmd run` opens it.
        NodeSettings settings = new NodeSettings(
                test.nodeName(),
                test.dataDir(),
                test.environmentFile(),
                test.nats(),
                new NodeSettings.DatabaseSettings(
                        "jdbc:h2:file:" + dir.resolve("db/ssmd") + ";MODE=PostgreSQL;AUTO_SERVER=TRUE",
                        "",
                        Optional.empty(),
                        2,
                        Duration.ofSeconds(5)),
                test.http(),
                test.connectors());
        system = TestNodeSettings.system("env-node", "ssmd.metadata.environment-poll-interval = 200ms");
        Ssmd node = Ssmd.start(system, settings, EnvironmentLoader.load(env, Map.of()));

        // The node registered its environment's feed files and the shipped schema catalog at startup, and serves
        // them on /v1/meta (no API keys in the shipped environment).
        JsonNode feeds = JSON.readTree(httpGet(node, "/v1/meta/feeds")).get("feeds");
        assertThat(feeds.findValuesAsText("name")).containsExactly("kraken", "kraken-futures", "polymarket");
        for (JsonNode feed : feeds) {
            assertThat(feed.get("status").asText()).isEqualTo("active");
            assertThat(feed.get("version").get("version").asInt()).isEqualTo(1);
            assertThat(feed.get("version").get("source_file").asText())
                    .isEqualTo(dir.resolve("exchanges/feeds/" + feed.get("name").asText() + ".yaml")
                            .toString());
        }
        JsonNode schemas = JSON.readTree(httpGet(node, "/v1/meta/schemas")).get("schemas");
        assertThat(schemas.findValuesAsText("name"))
                .containsExactly(
                        "archive-line", "lifecycle", "orderbook-delta", "orderbook-snapshot", "ticker", "trade");
        assertThat(JSON.readTree(httpGet(node, "/v1/meta/environments/default/history"))
                        .get("versions")
                        .get(0)
                        .get("deployed_by")
                        .asText())
                .isEqualTo("env-node");

        Path conf = Files.writeString(dir.resolve("cli.conf"), "ssmd { data-dir = \"" + dir + "\" }\n");
        Cli history = cli("env", "history", "default", "--json", "--config", conf.toString());
        assertThat(history.code()).as(history.err()).isZero();
        JsonNode h = JSON.readTree(history.out());
        assertThat(h.get("versions")).hasSize(1);
        assertThat(h.get("versions").get(0).get("deployed_by").asText()).isEqualTo("env-node");
        assertThat(h.get("deployments").findValuesAsText("action")).containsExactly("apply", "start");

        // The auto-server the node's H2 runs (the address other processes connect to) listens on loopback only.
        // H2 writes a loopback bind address as "localhost"; without h2.bindAddress it would write the host's address.
        String lock = Files.readString(dir.resolve("db/ssmd.lock.db"), StandardCharsets.ISO_8859_1);
        Matcher server = Pattern.compile("server=(localhost|127\\.0\\.0\\.1)\\\\?:(\\d+)")
                .matcher(lock);
        assertThat(server.find()).as(lock).isTrue();
        int port = Integer.parseInt(server.group(2));
        try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(loopback.isConnected()).isTrue();
        }
        for (InetAddress address : nonLoopbackAddresses()) {
            assertThatThrownBy(() -> new Socket(address, port).close())
                    .as("the auto-server must not answer on " + address)
                    .isInstanceOf(IOException.class);
        }

        ShippedExchanges.edit(env, "max-age: 7d", "max-age: 3d");
        Cli apply = cli("env", "apply", env.toString(), "--yes", "--config", conf.toString());
        assertThat(apply.code()).as(apply.err()).isZero();
        assertThat(apply.out())
                .contains("~ streams.defaults.max-age: 7d -> 3d")
                .contains("applied: environment default version 2");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(logs.events())
                        .extracting(e -> e.getFormattedMessage())
                        .anySatisfy(m -> assertThat(m)
                                .contains("environment default version 2 was applied by "
                                        + System.getProperty("user.name"))
                                .contains("this node runs version 1: restart it to run the new version")));
    }

    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && a instanceof Inet4Address)
                .toList();
    }

    private static String httpGet(Ssmd node, String path) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://127.0.0.1:" + node.httpAddress().getPort() + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    record Cli(int code, String out, String err) {}

    /** The real command line in a JVM of its own, with none of the launcher's SSMD_* settings. */
    private Cli cli(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(
                java.toString(),
                "-Xmx256m",
                // The jar's own logging, as `ssmd` runs it: the test classpath holds several logback-test.xml, about
                // which logback would warn on stdout, the command's output.
                "-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SSMD_"));
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ssmd " + String.join(" ", args) + " did not finish: " + Files.readString(err));
        }
        return new Cli(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
