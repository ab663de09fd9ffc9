package io.ssmd.core.meta;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;

class SecurityMasterH2Test extends SecurityMasterContract {

    @Override
    DatabaseSettings settings() {
        return MetaDatabases.h2(dir);
    }
}
