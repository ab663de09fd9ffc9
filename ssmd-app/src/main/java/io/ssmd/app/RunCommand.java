package io.ssmd.app;

import com.typesafe.config.Config;
import io.ssmd.core.config.ConfigException;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import io.ssmd.node.Ssmd;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssmd run}: a node, until Ctrl-C (or SIGTERM) shuts it down in order. */
@Command(
        name = "run",
        description = "Run an ssmd node. With no configuration: an embedded nats-server under"
                + " ./data/nats, H2 under ./data/db, archives under ./data/archive, HTTP on 8080.")
final class RunCommand implements Callable<Integer> {

    @Option(
            names = "--env",
            paramLabel = "FILE",
            description = "Environment YAML (default: ssmd.environment-file," + " exchanges/environments/default.yaml)")
    Path environmentFile;

    @Option(
            names = "--roles",
            split = ",",
            paramLabel = "ROLE",
            description = "What this node runs: connector," + " archiver, gateway (default: all three)")
    java.util.List<String> roles;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "application.conf to use (default:" + " ./application.conf, else the one beside the launcher)")
    Path configFile;

    @Option(
            names = "--node",
            paramLabel = "N",
            description = "Node N (1 to --nodes) of several on this host: the configured HTTP, remoting and"
                    + " management ports plus N-1, name node-N, and (unless seed nodes are configured) the --nodes"
                    + " nodes of this host as seed nodes. They need an external NATS and database.")
    Integer node;

    @Option(
            names = "--nodes",
            paramLabel = "M",
            defaultValue = "3",
            description = "How many nodes run on this host with --node (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port (default: ssmd.http.port, 8080)")
    Integer httpPort;

    @Option(
            names = "--remoting-port",
            paramLabel = "PORT",
            description = "Pekko remoting (cluster) port (default: pekko.remote.artery.canonical.port, 25520)")
    Integer remotingPort;

    @Option(
            names = "--management-port",
            paramLabel = "PORT",
            description = "Pekko Management port: /ready, /alive, /cluster/members (default:"
                    + " pekko.management.http.port, 7626)")
    Integer managementPort;

    @Option(
            names = "--seed-node",
            paramLabel = "ADDRESS",
            description = "A seed node, pekko://ssmd@HOST:PORT; repeat for several (default:"
                    + " pekko.cluster.seed-nodes, none: the node forms a cluster of one)")
    java.util.List<String> seedNodes;

    @Override
    public Integer call() {
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        Map<String, String> env = System.getenv();
        NodeSettings settings;
        Environment environment;
        Config config;
        try {
            config = NodeConfig.load(Optional.ofNullable(configFile), env);
            if (roles != null) {
                config = withRoles(config, roles);
            }
            config = new NodeOnHost(
                            Optional.ofNullable(node),
                            nodes,
                            Optional.ofNullable(httpPort),
                            Optional.ofNullable(remotingPort),
                            Optional.ofNullable(managementPort),
                            seedNodes == null ? java.util.List.of() : seedNodes)
                    .applyTo(config);
            settings = NodeSettings.create(config, env);
            Path envFile =
                    NodeConfig.resolve(environmentFile != null ? environmentFile : settings.environmentFile(), env);
            settings = settings.withEnvironmentFile(envFile);
            io.ssmd.core.config.ValidationReport report = EnvironmentLoader.validate(envFile, env);
            if (!report.ok()) {
                throw new ConfigException(report.errors());
            }
            environment = report.environment().orElseThrow();
            // A feed enabled if-credentials without them (Kalshi with no key): one line says why it does not run.
            report.passed().stream()
                    .filter(line -> line.contains(": disabled (no credentials"))
                    .forEach(line -> log.warn("{}; it does not run", line));
        } catch (ConfigException | com.typesafe.config.ConfigException | IllegalArgumentException e) {
            System.err.println("ssmd: configuration is invalid; nothing was started:");
            System.err.println(e.getMessage());
            return 1;
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ssmd", NodeConfig.forNode(config));
        try {
            Ssmd.start(system, settings, environment);
        } catch (RuntimeException e) {
            log.error("ssmd node failed to start: {}", e.getMessage(), e);
            System.err.println("ssmd: " + e.getMessage());
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            return 1;
        }
        system.getWhenTerminated().toCompletableFuture().join();
        return 0;
    }

    /** The node's cluster roles: where shards, feed managers and archivers may run (DESIGN §2). */
    static Config withRoles(Config config, java.util.List<String> roles) {
        java.util.List<String> known = java.util.List.of("connector", "archiver", "gateway");
        for (String role : roles) {
            if (!known.contains(role)) {
                throw new IllegalArgumentException(
                        "--roles: unknown role '" + role + "'; expected some of " + String.join(", ", known));
            }
        }
        return config.withValue("pekko.cluster.roles", com.typesafe.config.ConfigValueFactory.fromIterable(roles));
    }
}
