package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes of the jar on one host (issue 18 item 1, docs/deploy.md): three {@code ssmd run --node N} JVMs with one
 * application.conf, one external nats-server and one PostgreSQL form one Pekko cluster; a node configured as one of
 * several refuses an embedded NATS and H2.
 */
class ClusterOnHostTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final List<NodeJvm> started = new ArrayList<>();
    private boolean passed;

    @AfterEach
    void stopEveryNode() throws Exception {
        for (NodeJvm node : started) {
            node.close();
        }
        if (!passed) {
            started.forEach(NodeJvm::printTails);
        }
    }

    @Test
    void threeNodesOnOneHostFormOneClusterAndEachIsReadyOnlyOnceItIsAnUpMember() throws Exception {
        int http = NodeJvm.freePorts(3);
        int remoting = NodeJvm.freePorts(3);
        int management = NodeJvm.freePorts(3);
        Path config = dir.resolve("application.conf");
        Files.writeString(
                config, """
                ssmd {
                  http.port = %d
                  nats.url = "%s"
                  db { url = "%s", user = "%s", password-env = "CLUSTER_DB_PASSWORD" }
                  secmaster.sync-every = off
                }
                pekko.remote.artery.canonical.port = %d
                pekko.management.http.port = %d
                """.formatted(http, NATS.url(), PG.url(), PG.settings().user(), remoting, management));
        Path environment = NodeJvm.smallEnvironment(
                dir, NatsServerExtension.freshName("three").toLowerCase());
        Map<String, String> env =
                Map.of("CLUSTER_DB_PASSWORD", PG.settings().password().orElse(""));

        // Nodes 2 and 3 first: node 1 is the first seed node, the only one that may form the cluster.
        NodeJvm two = start(2, "connector,archiver", config, environment, env);
        NodeJvm three = start(3, "gateway", config, environment, env);
        // Node 2 has started every role but is no member of a cluster yet: alive, not ready.
        await().atMost(WAIT).until(() -> two.logged(" node node-2 started: "));
        NodeJvm.Response notYet = NodeJvm.get(management + 1, "/ready");
        // Pekko Management answers a failed check with 500 (any status from 400 fails a Kubernetes probe).
        assertThat(notYet.status())
                .as("node 2 before there is a cluster: %s", notYet)
                .isEqualTo(500);
        assertThat(notYet.body()).contains("ClusterMembershipCheck");
        assertThat(NodeJvm.get(management + 1, "/alive").status()).isEqualTo(200);

        NodeJvm one = start(1, "connector,archiver", config, environment, env);
        Map<String, Set<String>> expected = new TreeMap<>();
        expected.put("pekko://ssmd@127.0.0.1:" + remoting, Set.of("connector", "archiver"));
        expected.put("pekko://ssmd@127.0.0.1:" + (remoting + 1), Set.of("connector", "archiver"));
        expected.put("pekko://ssmd@127.0.0.1:" + (remoting + 2), Set.of("gateway"));
        for (int n = 0; n < 3; n++) {
            int port = management + n;
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(upMembers(port))
                            .as("the Up members in node %d's view", port - management + 1)
                            .isEqualTo(expected));
        }
        for (int n = 0; n < 3; n++) {
            int port = management + n;
            await().atMost(WAIT).until(() -> NodeJvm.get(port, "/ready").status() == 200);
            assertThat(NodeJvm.get(port, "/alive").status()).isEqualTo(200);
        }
        // Each serves HTTP on its own port, derived from the one configured.
        for (int n = 0; n < 3; n++) {
            assertThat(NodeJvm.get(http + n, "/v1/health").body()).contains("\"node\":\"node-" + (n + 1) + "\"");
        }
        assertThat(one.process.isAlive() && two.process.isAlive() && three.process.isAlive())
                .isTrue();
        passed = true;
    }

    @Test
    void aNodeOfSeveralRefusesToStartWithAnEmbeddedNatsOrH2() throws Exception {
        int remoting = NodeJvm.freePorts(3);
        Path config = dir.resolve("application.conf");
        Files.writeString(config, """
                ssmd.data-dir = "%s"
                pekko.remote.artery.canonical.port = %d
                pekko.management.http.port = %d
                """.formatted(dir.resolve("data"), remoting, NodeJvm.freePorts(3)));
        Path environment = NodeJvm.smallEnvironment(
                dir, NatsServerExtension.freshName("alone").toLowerCase());

        NodeJvm node = start(2, "archiver", config, environment, Map.of());
        assertThat(node.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process.exitValue()).isEqualTo(1);
        String err = node.err();
        assertThat(err)
                .contains("pekko.cluster.seed-nodes names pekko://ssmd@127.0.0.1:" + remoting)
                .contains("embedded nats-server")
                .contains("set ssmd.nats.url (or SSMD_NATS_URL)")
                .contains("embedded H2")
                .contains("set ssmd.db.url (or SSMD_DB_URL)");
        assertThat(dir.resolve("data/nats")).as("no nats-server was started").doesNotExist();
        assertThat(dir.resolve("data/db")).as("no H2 database was created").doesNotExist();
        passed = true;
    }

    private NodeJvm start(int n, String roles, Path config, Path environment, Map<String, String> env)
            throws IOException {
        NodeJvm node = NodeJvm.start(
                dir.resolve("node-" + n),
                env,
                List.of(
                        "--node",
                        Integer.toString(n),
                        "--roles",
                        roles,
                        "--config",
                        config.toString(),
                        "--env",
                        environment.toString()));
        started.add(node);
        return node;
    }

    /** The members node {@code managementPort} sees Up, with their roles (Pekko Management's /cluster/members). */
    private static Map<String, Set<String>> upMembers(int managementPort) throws IOException {
        NodeJvm.Response r = NodeJvm.get(managementPort, "/cluster/members");
        Map<String, Set<String>> up = new TreeMap<>();
        if (r.status() != 200) {
            return up;
        }
        for (JsonNode member : JSON.readTree(r.body()).path("members")) {
            if (member.path("status").asText().equals("Up")) {
                Set<String> roles = new TreeSet<>();
                member.path("roles").forEach(role -> {
                    if (!role.asText().startsWith("dc-")) {
                        roles.add(role.asText());
                    }
                });
                up.put(member.path("node").asText(), roles);
            }
        }
        return up;
    }
}
