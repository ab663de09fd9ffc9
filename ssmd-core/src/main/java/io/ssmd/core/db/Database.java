package io.ssmd.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's SQL database: H2 under the data directory by default, PostgreSQL in production. Opening it runs the
 * Flyway migrations, so the schema is always the one the code expects. Every method blocks: call them from the
 * blocking dispatcher, never from an actor or a stream stage on the default one.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final String url;

    private Database(HikariDataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.url = url;
    }

    /**
     * Connects and migrates.
     *
     * @throws DatabaseUnavailableException when the database cannot be reached or migrated; the message names the URL
     */
    public static Database open(DatabaseSettings settings) {
        if (settings.embedded() && System.getProperty("h2.bindAddress") == null) {
            // H2's auto-server (how a CLI shares the embedded file with a running node) listens on every interface
            // unless told otherwise; read once, when H2 first loads.
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        if (!settings.user().isEmpty()) {
            config.setUsername(settings.user());
        }
        settings.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.poolSize());
        config.setConnectionTimeout(Math.max(250, settings.connectTimeout().toMillis()));
        // Fail here, with the URL in the message, rather than at the first query.
        config.setInitializationFailTimeout(settings.connectTimeout().toMillis());
        config.setPoolName("ssmd-db");
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException(settings.url(), e);
        }
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            log.info(
                    "database {} at schema version {} ({} migrations applied)",
                    DatabaseUnavailableException.redact(settings.url()),
                    result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion,
                    result.migrationsExecuted);
        } catch (RuntimeException e) {
            dataSource.close();
            throw new DatabaseUnavailableException(settings.url(), e);
        }
        return new Database(dataSource, DatabaseUnavailableException.redact(settings.url()));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String url() {
        return url;
    }

    /** The most connections the pool opens ({@code ssmd.db.pool-size}): all this node ever holds. */
    public int poolSize() {
        return dataSource.getMaximumPoolSize();
    }

    /** Records that this node runs (or still runs) the given version; also the health probe of the database. */
    public void touchNode(String name, String version, Instant startedAt) throws SQLException {
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection c = dataSource.getConnection()) {
            // UPDATE then INSERT works alike on H2 and PostgreSQL, unlike either's upsert syntax.
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE ssmd_node SET version = ?, started_at = ?, last_seen = ? WHERE name = ?")) {
                update.setString(1, version);
                update.setTimestamp(2, Timestamp.from(startedAt));
                update.setTimestamp(3, now);
                update.setString(4, name);
                if (update.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO ssmd_node (name, version, started_at, last_seen) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, name);
                insert.setString(2, version);
                insert.setTimestamp(3, Timestamp.from(startedAt));
                insert.setTimestamp(4, now);
                insert.executeUpdate();
            }
        }
    }

    /** Whether a connection answers a trivial query within the timeout. */
    public boolean isReachable(int timeoutSeconds) {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
