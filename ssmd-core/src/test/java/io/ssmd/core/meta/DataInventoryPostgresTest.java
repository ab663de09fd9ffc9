package io.ssmd.core.meta;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

class DataInventoryPostgresTest extends DataInventoryContract {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @Override
    DatabaseSettings settings() {
        return POSTGRES.settings();
    }
}
