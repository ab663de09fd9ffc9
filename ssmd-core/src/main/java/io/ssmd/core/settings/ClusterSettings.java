package io.ssmd.core.settings;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a node finds its cluster and whether that cluster has more than one node (DESIGN §13), read once from the
 * node's configuration ({@code ssmd.cluster} and the Pekko keys it depends on).
 *
 * @param bootstrap      how the node joins: the configured seed nodes (itself when none), or Pekko Management's cluster
 *                       bootstrap with Kubernetes API discovery
 * @param selfAddress    this node's cluster address, {@code pekko://ssmd@host:port}
 * @param seedNodes      {@code pekko.cluster.seed-nodes}
 * @param minNrOfMembers {@code pekko.cluster.min-nr-of-members}
 */
public record ClusterSettings(Bootstrap bootstrap, String selfAddress, List<String> seedNodes, int minNrOfMembers) {

    public static final String BOOTSTRAP_KEY = "ssmd.cluster.bootstrap";

    /** The actor system every node runs: cluster addresses are {@code pekko://ssmd@host:port}. */
    public static final String SYSTEM_NAME = "ssmd";

    /** How a node joins its cluster ({@code ssmd.cluster.bootstrap}). */
    public enum Bootstrap {
        /** {@code pekko.cluster.seed-nodes}; a node with none joins itself, a cluster of one. */
        SEED_NODES,
        /** Pekko Management's cluster bootstrap: contact points from the Kubernetes API (pods by label). */
        KUBERNETES;

        static Bootstrap parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "seed-nodes" -> SEED_NODES;
                case "kubernetes" -> KUBERNETES;
                default ->
                    throw new com.typesafe.config.ConfigException.BadValue(
                            BOOTSTRAP_KEY,
                            "expected seed-nodes or kubernetes, got '" + value + "'"
                                    + (value.trim().toLowerCase(Locale.ROOT).startsWith("k")
                                            ? "; did you mean kubernetes?"
                                            : value.trim()
                                                            .toLowerCase(Locale.ROOT)
                                                            .startsWith("s")
                                                    ? "; did you mean seed-nodes?"
                                                    : ""));
            };
        }
    }

    public ClusterSettings {
        seedNodes = List.copyOf(seedNodes);
    }

    public static ClusterSettings create(Config config) {
        String host = config.getString("pekko.remote.artery.canonical.hostname");
        int port = config.getInt("pekko.remote.artery.canonical.port");
        return new ClusterSettings(
                Bootstrap.parse(config.getString(BOOTSTRAP_KEY)),
                "pekko://" + SYSTEM_NAME + "@" + host + ":" + port,
                config.getStringList("pekko.cluster.seed-nodes"),
                config.getInt("pekko.cluster.min-nr-of-members"));
    }

    /**
     * Whether this node is meant to share its cluster with others: a seed node other than itself, Kubernetes
     * bootstrap, or {@code min-nr-of-members} above 1. Such a node must not run an embedded NATS or H2: each node would
     * have its own, and the cluster's nodes would not see each other's data.
     */
    public boolean multiNode() {
        return bootstrap == Bootstrap.KUBERNETES
                || minNrOfMembers > 1
                || seedNodes.stream().anyMatch(seed -> !seed.equals(selfAddress));
    }

    /** Why this node sees a cluster of more than one node, for the refusal message. */
    public String whyMultiNode() {
        if (bootstrap == Bootstrap.KUBERNETES) {
            return BOOTSTRAP_KEY + " = kubernetes";
        }
        if (minNrOfMembers > 1) {
            return "pekko.cluster.min-nr-of-members = " + minNrOfMembers;
        }
        return "pekko.cluster.seed-nodes names "
                + seedNodes.stream()
                        .filter(seed -> !seed.equals(selfAddress))
                        .findFirst()
                        .orElse("?")
                + ", not only this node (" + selfAddress + ")";
    }

    /**
     * What a node of a multi-node cluster must not run (DESIGN §13): an embedded nats-server or an embedded H2. Empty
     * when the node runs alone, or shares an external NATS and an external database.
     */
    public List<String> refusals(NodeSettings node) {
        List<String> problems = new ArrayList<>();
        if (!multiNode()) {
            return problems;
        }
        String why = "this node is one of a cluster of several (" + whyMultiNode() + ")";
        if (node.nats().url().isEmpty()) {
            problems.add(why + " but would start an embedded nats-server of its own, so the nodes would not share"
                    + " their streams: set ssmd.nats.url (or SSMD_NATS_URL) to the NATS server every node uses");
        }
        if (node.db().embedded()) {
            problems.add(why + " but would open an embedded H2 database of its own, so the nodes would not share"
                    + " their metadata: set ssmd.db.url (or SSMD_DB_URL) to the PostgreSQL every node uses");
        }
        return problems;
    }
}
