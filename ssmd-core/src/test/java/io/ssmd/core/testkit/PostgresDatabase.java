package io.ssmd.core.testkit;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PostgreSQL database per test class, created in the real server that {@code ./ssmd test} starts and
 * dropped afterwards. The server is found through {@code SSMD_TEST_PG_URL} (a JDBC URL of a database the user may
 * create databases from), {@code SSMD_TEST_PG_USER} and {@code SSMD_TEST_PG_PASSWORD}.
 *
 * <pre>{@code @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();}</pre>
 */
public final class PostgresDatabase implements BeforeAllCallback, AfterAllCallback {

    private final String adminUrl;
    private final String user;
    private final String password;
    private String name;

    public PostgresDatabase() {
        this.adminUrl = System.getenv().getOrDefault("SSMD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        this.user = System.getenv().getOrDefault("SSMD_TEST_PG_USER", "ssmd");
        this.password = System.getenv().getOrDefault("SSMD_TEST_PG_PASSWORD", "ssmd");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        name = "ssmd_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute("CREATE DATABASE " + name);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (name != null) {
            execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** The JDBC URL of this class's database. */
    public String url() {
        int slash = adminUrl.lastIndexOf('/');
        int query = adminUrl.indexOf('?', slash);
        return adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
    }

    /** Settings that reach this class's database the way a node would. */
    public DatabaseSettings settings() {
        return new DatabaseSettings(url(), user, Optional.of(password), 2, Duration.ofSeconds(10));
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user, password);
    }

    /**
     * Drops every table of this class's database (its {@code public} schema), Flyway's history included, so the next
     * open migrates from empty: a list of tables to drop goes stale with each new migration, and one table left
     * behind makes Flyway refuse a schema that has no history.
     */
    public void emptySchema() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(
                    "PostgreSQL at " + adminUrl + " as " + user + " failed (" + e.getMessage()
                            + "). Tests need a real PostgreSQL: run ./ssmd test, which installs and starts one, or set"
                            + " SSMD_TEST_PG_URL, SSMD_TEST_PG_USER and SSMD_TEST_PG_PASSWORD.",
                    e);
        }
    }
}
