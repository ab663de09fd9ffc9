package io.ssmd.app;

import io.ssmd.core.testkit.PostgresDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The metadata commands against PostgreSQL; each test gets a clean registry. */
class MetadataCommandsPostgresTest extends MetadataCommandsContract {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @BeforeEach
    void emptyTheRegistry() throws Exception {
        try (var c = POSTGRES.connect();
                var s = c.createStatement()) {
            // The first test creates the tables; later ones start from an empty registry.
            // Every table of every migration: one left behind makes Flyway refuse a schema without its history.
            s.execute("DROP TABLE IF EXISTS deployment_log, environment_versions, environments, schema_migrations,"
                    + " schema_versions, feed_calendars, feed_versions, feeds, ssmd_node, flyway_schema_history"
                    + " CASCADE");
        }
    }

    @Override
    String databaseConfig() {
        return "  db {\n    url = \"" + POSTGRES.url() + "\"\n    user = \""
                + POSTGRES.settings().user() + "\"\n    password-env = \"SSMD_TEST_PG_PASSWORD\"\n  }\n";
    }
}
