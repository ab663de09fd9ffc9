package io.ssmd.core.db;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickDatabaseProvider;

/**
 * Pekko Persistence JDBC's {@code database-provider-fqcn} (ssmd-pekko.conf): every plugin of the actor system (journal,
 * snapshot store, durable state, read journal) gets the one Slick database over the node's pool
 * ({@link PersistenceDatabase}). The plugin constructs it reflectively with its actor system.
 */
public final class SharedPoolDatabaseProvider implements SlickDatabaseProvider {

    private final ActorSystem system;

    public SharedPoolDatabaseProvider(ActorSystem system) {
        this.system = system;
    }

    @Override
    public SlickDatabase database(Config config) {
        return PersistenceDatabase.get(system).slick();
    }
}
