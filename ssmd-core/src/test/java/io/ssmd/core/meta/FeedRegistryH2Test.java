package io.ssmd.core.meta;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;

class FeedRegistryH2Test extends FeedRegistryContract {

    @Override
    DatabaseSettings settings() {
        return MetaDatabases.h2(dir);
    }
}
