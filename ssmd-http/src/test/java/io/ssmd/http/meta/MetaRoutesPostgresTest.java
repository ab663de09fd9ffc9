package io.ssmd.http.meta;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /v1/meta/*} against the real PostgreSQL that {@code ./ssmd test} starts. */
class MetaRoutesPostgresTest extends MetaRoutesContract {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @Override
    DatabaseSettings settings() {
        return POSTGRES.settings();
    }
}
