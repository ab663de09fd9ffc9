package io.ssmd.app;

import io.ssmd.core.db.Database;
import io.ssmd.core.db.DatabaseUnavailableException;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * What every metadata command ({@code feed}, {@code schema}, {@code env}) shares: where the database is, found the
 * way a node finds it ({@code application.conf}, {@code SSMD_DB_URL}, else H2 under the data directory), and
 * {@code --json}. The embedded H2 file is opened in auto-server mode, so these commands work while a node holds it.
 */
final class MetadataOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "application.conf to read the database from (default: ./application.conf, else the one"
                    + " beside the launcher)")
    Path configFile;

    @Option(names = "--json", description = "Print JSON for scripts instead of a table")
    boolean json;

    /** The node settings this command runs with; the database is {@code db()}. */
    NodeSettings settings(Map<String, String> env) {
        return NodeSettings.create(NodeConfig.load(Optional.ofNullable(configFile), env), env);
    }

    /**
     * Opens (and migrates) the database.
     *
     * @throws DatabaseUnavailableException when it cannot be reached; the message names the URL without secrets
     */
    Database open(Map<String, String> env) {
        return Database.open(settings(env).db());
    }

    static Metadata metadata(Database database) {
        return Metadata.of(database);
    }
}
