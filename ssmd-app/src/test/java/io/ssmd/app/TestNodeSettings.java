package io.ssmd.app;

import com.typesafe.config.ConfigFactory;
import io.ssmd.core.nats.NatsServerProcess;
import io.ssmd.core.settings.NatsAuth;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The settings of a node under test: state under {@code dir}, H2 there, HTTP on a free port of 127.0.0.1. */
final class TestNodeSettings {

    private TestNodeSettings() {}

    /**
     * The actor system of a node run in this JVM: the node's configuration with remoting on a free port, and
     * {@code config} (HOCON lines, none for the defaults) on top.
     */
    static ActorSystem<Void> system(String name, String... config) {
        String layered = "pekko.remote.artery.canonical.port = 0\n" + String.join("\n", config);
        return ActorSystem.create(
                Behaviors.empty(), name, NodeConfig.forNode(NodeConfig.layered(ConfigFactory.parseString(layered))));
    }

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
