package io.ssmd.core.meta;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;

class SchemaRegistryH2Test extends SchemaRegistryContract {

    @Override
    DatabaseSettings settings() {
        return MetaDatabases.h2(dir);
    }
}
