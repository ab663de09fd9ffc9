package io.ssmd.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.ssmd.core.settings.ClusterSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where one of several nodes on one host listens ({@code ssmd run --node N}, docs/deploy.md): node N of M takes the
 * configured HTTP, remoting and management ports plus N-1, is named {@code node-N} unless a name is configured, and,
 * unless seed nodes are configured, lists the M nodes' remoting addresses on this host as its seed nodes (node 1 first:
 * it forms the cluster, the others join whichever is up). Explicit ports and seed nodes win over the derived ones.
 *
 * @param node           which node this is, 1 to {@code nodes}
 * @param nodes          how many nodes run on this host
 * @param httpPort       {@code --http-port}
 * @param remotingPort   {@code --remoting-port}
 * @param managementPort {@code --management-port}
 * @param seedNodes      {@code --seed-node}, repeated
 */
record NodeOnHost(
        Optional<Integer> node,
        int nodes,
        Optional<Integer> httpPort,
        Optional<Integer> remotingPort,
        Optional<Integer> managementPort,
        List<String> seedNodes) {

    static final String HTTP_PORT = "ssmd.http.port";
    static final String REMOTING_PORT = "pekko.remote.artery.canonical.port";
    static final String MANAGEMENT_PORT = "pekko.management.http.port";
    static final String SEED_NODES = "pekko.cluster.seed-nodes";

    /**
     * The configuration with this node's ports, name and seed nodes.
     *
     * @throws IllegalArgumentException naming the option, when a number is out of range
     */
    Config applyTo(Config config) {
        if (nodes < 1) {
            throw new IllegalArgumentException("--nodes: expected 1 or more, got " + nodes);
        }
        node.ifPresent(n -> {
            if (n < 1 || n > nodes) {
                throw new IllegalArgumentException(
                        "--node: expected a number from 1 to --nodes (" + nodes + "), got " + n);
            }
        });
        Config c = config;
        int offset = node.orElse(1) - 1;
        if (node.isPresent()) {
            c = set(c, HTTP_PORT, port("--node " + node.get() + ": HTTP", c.getInt(HTTP_PORT) + offset));
            c = set(
                    c,
                    MANAGEMENT_PORT,
                    port("--node " + node.get() + ": management", c.getInt(MANAGEMENT_PORT) + offset));
            if (c.getString("ssmd.node-name").isBlank()) {
                c = set(c, "ssmd.node-name", "node-" + node.get());
            }
            if (seedNodes.isEmpty() && c.getStringList(SEED_NODES).isEmpty()) {
                int base = remotingPort.map(p -> p - offset).orElse(c.getInt(REMOTING_PORT));
                String host = c.getString("pekko.remote.artery.canonical.hostname");
                List<String> seeds = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    seeds.add("pekko://" + ClusterSettings.SYSTEM_NAME + "@" + host + ":"
                            + port("--nodes: remoting", base + i));
                }
                c = c.withValue(SEED_NODES, ConfigValueFactory.fromIterable(seeds));
            }
            c = set(c, REMOTING_PORT, port("--node " + node.get() + ": remoting", c.getInt(REMOTING_PORT) + offset));
        }
        if (httpPort.isPresent()) {
            c = set(c, HTTP_PORT, port("--http-port", httpPort.get()));
        }
        if (remotingPort.isPresent()) {
            c = set(c, REMOTING_PORT, port("--remoting-port", remotingPort.get()));
        }
        if (managementPort.isPresent()) {
            c = set(c, MANAGEMENT_PORT, port("--management-port", managementPort.get()));
        }
        for (String seed : seedNodes) {
            if (!seed.matches("pekko://" + ClusterSettings.SYSTEM_NAME + "@[^:/]+:\\d+")) {
                throw new IllegalArgumentException("--seed-node: expected pekko://" + ClusterSettings.SYSTEM_NAME
                        + "@HOST:PORT (a node's remoting address), got '" + seed + "'");
            }
        }
        if (!seedNodes.isEmpty()) {
            c = c.withValue(SEED_NODES, ConfigValueFactory.fromIterable(seedNodes));
        }
        return c;
    }

    private static Config set(Config config, String key, Object value) {
        return config.withValue(key, ConfigValueFactory.fromAnyRef(value));
    }

    private static int port(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " port " + port + " is outside 0-65535");
        }
        return port;
    }
}
