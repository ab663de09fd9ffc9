package io.ssmd.core.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcBackend$;
import slick.jdbc.JdbcProfile;
import slick.util.AsyncExecutor;

/**
 * The node's {@link Database} as Pekko Persistence JDBC sees it (DESIGN §13): one Slick database per actor system over
 * the node's own Hikari pool ({@code ssmd-db}), so the journal, the snapshot store and the metadata layer share
 * {@code ssmd.db.pool-size} connections rather than the plugin opening pools of its own (20 connections each by
 * default: three nodes would pass PostgreSQL's 100). The node {@link #use registers} its database before anything
 * persists; {@link SharedPoolDatabaseProvider}, which the plugin's configuration names, finds it here.
 */
public final class PersistenceDatabase implements Extension {

    private static final Id ID = new Id();

    /** Slick's queue of actions waiting for a thread; a journal write waits here rather than failing. */
    private static final int QUEUE_SIZE = 10_000;

    private final ExtendedActorSystem system;
    private final AtomicReference<Database> database = new AtomicReference<>();
    private SlickDatabase shared;

    private PersistenceDatabase(ExtendedActorSystem system) {
        this.system = system;
    }

    public static PersistenceDatabase get(ActorSystem<?> system) {
        return ID.get(Adapter.toClassic(system));
    }

    static PersistenceDatabase get(org.apache.pekko.actor.ActorSystem system) {
        return ID.get(system);
    }

    /**
     * Makes {@code db} the database this actor system persists to. Once: a second, different database is refused.
     *
     * @throws IllegalStateException when another database is registered already
     */
    public void use(Database db) {
        if (!database.compareAndSet(null, db) && database.get() != db) {
            throw new IllegalStateException("actor system " + system.name() + " persists to "
                    + database.get().url() + " already; it cannot switch to " + db.url());
        }
    }

    /** Whether a database is registered: the node's persistent parts (assignments, remembered shards) may start. */
    public boolean isRegistered() {
        return database.get() != null;
    }

    /**
     * The Slick database over the registered pool, created once: Slick's threads and connections are capped at the
     * pool's size, and the plugin never closes it (the node closes the pool, last).
     *
     * @throws IllegalStateException when no database is registered: naming what to do
     */
    synchronized SlickDatabase slick() {
        if (shared == null) {
            Database db = database.get();
            if (db == null) {
                throw new IllegalStateException("Pekko Persistence JDBC was started in actor system " + system.name()
                        + " before the node registered its database (PersistenceDatabase.use): the journal runs"
                        + " only on the node's ssmd-db pool");
            }
            int connections = db.poolSize();
            AsyncExecutor executor =
                    AsyncExecutor.apply("ssmd-persistence", connections, connections, QUEUE_SIZE, connections);
            JdbcBackend.JdbcDatabaseDef jdbc = JdbcBackend$.MODULE$
                    .Database()
                    .forDataSource(
                            new Unclosable(db.dataSource()), scala.Option.apply((Object) connections), executor, false);
            JdbcProfile profile = profile(db.url());
            system.registerOnTermination(executor::close);
            shared = new Shared(jdbc, profile);
        }
        return shared;
    }

    /** Slick's dialect for the node's JDBC URL: H2 (the embedded default) or PostgreSQL. */
    static JdbcProfile profile(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return slick.jdbc.H2Profile$.MODULE$;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return slick.jdbc.PostgresProfile$.MODULE$;
        }
        throw new IllegalStateException("ssmd.db.url " + url
                + ": Pekko Persistence JDBC runs on H2 (jdbc:h2:) or PostgreSQL (jdbc:postgresql:) here");
    }

    /** The node's pool, which the plugin may use but never close. */
    private record Shared(JdbcBackend.JdbcDatabaseDef database, JdbcProfile profile) implements SlickDatabase {
        @Override
        public boolean allowShutdown() {
            return false;
        }
    }

    /**
     * The pool without its {@code close}: Slick closes a data source that is {@link java.io.Closeable} when its
     * database closes, and the pool is the node's, closed by the node after everything that uses it.
     */
    private record Unclosable(DataSource pool) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return pool.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return pool.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return pool.isWrapperFor(type);
        }
    }

    private static final class Id extends AbstractExtensionId<PersistenceDatabase> {
        @Override
        public PersistenceDatabase createExtension(ExtendedActorSystem system) {
            return new PersistenceDatabase(system);
        }
    }
}
