package io.ssmd.app;

import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.settings.NatsAuth;
import io.ssmd.core.settings.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The settings of a node under test: state under {@code dir}, H2 there, HTTP on a free port of 127.0.0.1. */
final class TestNodeSettings {

    private TestNodeSettings() {}

    /**
     * @param natsUrl         the test's nats-server, or empty for the embedded one
     * @param environmentFile the environment the settings name (tests pass the loaded environment itself)
     */
    static NodeSettings of(String node, Path dir, Optional<String> natsUrl, Path environmentFile) {
        return of(node, dir, natsUrl, NatsAuth.None.INSTANCE, environmentFile);
    }

    /** The same, authenticating to the test's nats-server with {@code auth}. */
    static NodeSettings of(String node, Path dir, Optional<String> natsUrl, NatsAuth auth, Path environmentFile) {
        return new NodeSettings(
                node,
                dir,
                environmentFile,
                new NodeSettings.NatsSettings(
                        natsUrl,
                        Duration.ofSeconds(5),
                        new NodeSettings.EmbeddedNats(
                                Optional.empty(),
                                0,
                                dir.resolve("nats"),
                                NatsServerProcess.DEFAULT_MAX_PAYLOAD,
                                Duration.ofSeconds(30),
                                Duration.ofMillis(100),
                                Duration.ofSeconds(2)),
                        auth),
                new NodeSettings.DatabaseSettings(
                        "jdbc:h2:file:" + dir.resolve("db/ssmd") + ";MODE=PostgreSQL",
                        "",
                        Optional.empty(),
                        2,
                        Duration.ofSeconds(5)),
                new NodeSettings.HttpSettings("127.0.0.1", 0),
                NodeSettings.ConnectorSettings.defaults());
    }
}
