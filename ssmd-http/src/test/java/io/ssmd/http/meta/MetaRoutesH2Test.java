package io.ssmd.http.meta;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/meta/*} against the embedded H2, opened as a node opens it. */
class MetaRoutesH2Test extends MetaRoutesContract {

    @TempDir
    static Path h2;

    @Override
    DatabaseSettings settings() {
        return new DatabaseSettings(
                "jdbc:h2:file:" + h2.resolve("db/ssmd") + ";MODE=PostgreSQL;AUTO_SERVER=TRUE",
                "",
                Optional.empty(),
                2,
                Duration.ofSeconds(5));
    }
}
