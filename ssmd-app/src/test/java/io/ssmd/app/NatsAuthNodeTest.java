package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.nats.client.NKey;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NatsAuth;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.node.Ssmd;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node against a real nats-server that requires credentials: it connects with a token, a user and password, an
 * NKey seed or a {@code .creds} file taken from an environment variable or a file named in {@code ssmd.nats.auth}, and no secret (nor a
 * password written in the URL) appears in any log line, in {@code /v1/health} or in {@code /v1/feeds}.
 */
class NatsAuthNodeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private final CapturedLogs logs = new CapturedLogs();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger ssmd = (Logger) LoggerFactory.getLogger("io.ssmd");
    private Level ssmdLevel;
    private ActorSystem<Void> system;
    private AuthorizedNatsServer server;

    @BeforeEach
    void captureLogs() {
        logs.start();
        root.addAppender(logs);
        // DEBUG too: a secret must not hide in the lines an operator turns on when something is wrong.
        ssmdLevel = ssmd.getLevel();
        ssmd.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
        if (server != null) {
            server.close();
        }
        root.detachAppender(logs);
        ssmd.setLevel(ssmdLevel);
    }

    @Test
    void aPasswordInTheUrlIsInNoLogLineEvenAfterAReconnectAndInNoHttpAnswer() throws Exception {
        String password = secret();
        server = new AuthorizedNatsServer(
                        dir.resolve("nats"), users("{\"user\": \"ssmd\", \"password\": \"" + password + "\"}"))
                .start();
        String url = "nats://ssmd:" + password + "@127.0.0.1:" + server.port();

        Ssmd node = start(Optional.of(url), NatsAuth.None.INSTANCE);
        String health = awaitHealthy(node);
        assertThat(JSON.readTree(health)
                        .path("checks")
                        .path("nats")
                        .path("detail")
                        .asText())
                .contains("connected to nats://ssmd:***@127.0.0.1:" + server.port());

        int before = logs.size();
        server.stop();
        server.start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> logs.eventsFrom(before).stream()
                        .anyMatch(e -> e.getFormattedMessage().contains("reconnected")));
        awaitHealthy(node);

        assertNowhere(password, node);
    }

    @Test
    void userAndPasswordFromAFileNamedInConfig() throws Exception {
        String password = secret();
        server = new AuthorizedNatsServer(
                        dir.resolve("nats"), users("{\"user\": \"ssmd\", \"password\": \"" + password + "\"}"))
                .start();
        Path file = Files.writeString(dir.resolve("nats-password"), password + "\n");

        Ssmd node = start(
                Optional.of(server.url()),
                auth("ssmd.nats.auth { user = ssmd, password-file = \"" + file + "\" }", Map.of()));
        awaitHealthy(node);

        assertNowhere(password, node);
    }

    @Test
    void aTokenFromAnEnvironmentVariable() throws Exception {
        String token = secret();
        server = new AuthorizedNatsServer(dir.resolve("nats"), "authorization: {\"token\": \"" + token + "\"}").start();

        Ssmd node = start(
                Optional.of(server.url()),
                auth("ssmd.nats.auth.token-env = SSMD_NATS_TOKEN", Map.of("SSMD_NATS_TOKEN", token)));
        awaitHealthy(node);

        assertNowhere(token, node);
    }

    @Test
    void anNKeySeedFromAFile() throws Exception {
        NKey user = NKey.createUser(new SecureRandom());
        String seed = new String(user.getSeed());
        server = new AuthorizedNatsServer(
                        dir.resolve("nats"), users("{\"nkey\": \"" + new String(user.getPublicKey()) + "\"}"))
                .start();
        Path file = Files.writeString(dir.resolve("ssmd.nk"), seed + "\n");

        Ssmd node =
                start(Optional.of(server.url()), auth("ssmd.nats.auth.nkey-seed-file = \"" + file + "\"", Map.of()));
        awaitHealthy(node);

        assertNowhere(seed, node);
    }

    @Test
    void aCredsFileForAServerInOperatorMode() throws Exception {
        OperatorModeCredentials credentials = new OperatorModeCredentials();
        server = new AuthorizedNatsServer(dir.resolve("nats"), credentials.serverConfig).start();
        Path creds = credentials.writeCreds(dir.resolve("ssmd.creds"));

        Ssmd node = start(Optional.of(server.url()), auth("ssmd.nats.auth.creds-file = \"" + creds + "\"", Map.of()));
        awaitHealthy(node);

        assertNowhere(credentials.userSeed, node);
    }

    @Test
    void aRefusedPasswordStopsStartupWithoutShowingIt() throws Exception {
        String password = secret();
        server = new AuthorizedNatsServer(
                        dir.resolve("nats"), users("{\"user\": \"ssmd\", \"password\": \"" + password + "\"}"))
                .start();
        String wrong = secret();

        assertThatThrownBy(() -> start(
                        Optional.of("nats://ssmd:" + wrong + "@127.0.0.1:" + server.port()), NatsAuth.None.INSTANCE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot connect to NATS at nats://ssmd:***@127.0.0.1:" + server.port())
                .satisfies(
                        e -> assertThat(ThrowableProxyUtil.asString(new ch.qos.logback.classic.spi.ThrowableProxy(e)))
                                .doesNotContain(wrong));
        assertThat(logText()).doesNotContain(wrong);
    }

    private void assertNowhere(String secret, Ssmd node) throws Exception {
        HttpResponse<String> health = get(node, "/v1/health");
        HttpResponse<String> feeds = get(node, "/v1/feeds");
        assertThat(feeds.statusCode()).isEqualTo(200);
        assertThat(health.body()).doesNotContain(secret);
        assertThat(feeds.body()).doesNotContain(secret);
        String logged = logText();
        assertThat(logged).as("what was logged").contains("NATS connection").doesNotContain(secret);
    }

    private String logText() {
        return logs.events().stream()
                .map(e -> e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
    }

    private static String users(String... users) {
        return "authorization: {\"users\": [" + String.join(", ", List.of(users)) + "]}";
    }

    /** Long and unique, so that finding it anywhere can only mean it leaked. */
    private static String secret() {
        return "s3cr3t" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The credentials as a node reads them from application.conf and its environment. */
    private NatsAuth auth(String conf, Map<String, String> env) {
        return NodeSettings.create(NodeConfig.layered(ConfigFactory.parseString(conf)), env)
                .nats()
                .auth();
    }

    private Ssmd start(Optional<String> url, NatsAuth auth) throws IOException {
        Path env = ShippedExchanges.copyInto(dir);
        ShippedExchanges.edit(env, "archive-root: ./data/archive", "archive-root: " + dir.resolve("archive"));
        Environment environment = EnvironmentLoader.load(env, Map.of());
        system = TestNodeSettings.system("ssmd-test");
        return Ssmd.start(system, TestNodeSettings.of("auth-node", dir, url, auth, env), environment);
    }

    private static String awaitHealthy(Ssmd node) throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> get(node, "/v1/health").statusCode() == 200);
        return get(node, "/v1/health").body();
    }

    private static HttpResponse<String> get(Ssmd node, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + path);
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
