package io.ssmd.core.meta;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** What the metadata tests share: an embedded H2 in a temp dir, and copies of the shipped feed files. */
final class MetaDatabases {

    private MetaDatabases() {}

    /** A fresh embedded H2 file database under {@code dir}, opened as a node opens it. */
    static DatabaseSettings h2(Path dir) {
        return new DatabaseSettings(
                "jdbc:h2:file:" + dir.resolve("db/ssmd") + ";MODE=PostgreSQL;AUTO_SERVER=TRUE",
                "",
                Optional.empty(),
                2,
                Duration.ofSeconds(5));
    }

    /** A copy of the shipped {@code exchanges/feeds/NAME.yaml} in {@code dir}, to edit freely. */
    static Path feedFile(Path dir, String name) {
        try {
            Path copy = Files.createDirectories(dir.resolve("feeds")).resolve(name + ".yaml");
            Files.copy(shippedFeeds().resolve(name + ".yaml"), copy);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path shippedFeeds() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("exchanges/feeds"))) {
                return d.resolve("exchanges/feeds");
            }
        }
        throw new IllegalStateException("exchanges/feeds not found above the working directory");
    }
}
