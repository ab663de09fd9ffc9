package io.ssmd.core.shard;

import com.typesafe.config.ConfigFactory;
import io.ssmd.core.db.Database;
import io.ssmd.core.db.PersistenceDatabase;
import io.ssmd.core.settings.NodeConfig;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.Awaitility;

/**
 * An actor system as a node runs it for persistence: the node's configuration (ssmd-pekko.conf: Pekko Persistence
 * JDBC on the node's pool), a one-node cluster on a free port, messages serialized as between nodes, and
 * {@code db} registered as the database it persists to.
 */
final class PersistentSystem {

    private PersistentSystem() {}

    static ActorTestKit start(String name, Database db) {
        ActorTestKit kit =
                ActorTestKit.create(name, NodeConfig.forNode(NodeConfig.layered(ConfigFactory.parseString("""
                        pekko.remote.artery.canonical.port = 0
                        pekko.actor.serialize-messages = on
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        """))));
        PersistenceDatabase.get(kit.system()).use(db);
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> cluster.selfMember().status() == MemberStatus.up());
        return kit;
    }
}
