package io.ssmd.app;

/** The metadata commands against the embedded H2 under the data directory (the default). */
class MetadataCommandsH2Test extends MetadataCommandsContract {

    @Override
    String databaseConfig() {
        return "";
    }
}
