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
        // The first test creates the tables; later ones start from an empty database.
        POSTGRES.emptySchema();
    }

    @Override
    String databaseConfig() {
        return "  db {\n    url = \"" + POSTGRES.url() + "\"\n    user = \""
                + POSTGRES.settings().user() + "\"\n    password-env = \"SSMD_TEST_PG_PASSWORD\"\n  }\n";
    }
}
