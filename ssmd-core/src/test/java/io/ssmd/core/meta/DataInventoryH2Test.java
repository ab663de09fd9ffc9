package io.ssmd.core.meta;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;

class DataInventoryH2Test extends DataInventoryContract {

    @Override
    DatabaseSettings settings() {
        return MetaDatabases.h2(dir);
    }
}
