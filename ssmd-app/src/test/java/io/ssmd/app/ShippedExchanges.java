package io.ssmd.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A private copy of the shipped feed and environment files, for tests that change one value. */
final class ShippedExchanges {

    private ShippedExchanges() {}

    /** Copies {@code exchanges/feeds} and {@code environments/default.yaml} below {@code dir}; returns the copy's environment. */
    static Path copyInto(Path dir) throws IOException {
        Path exchanges = dir.resolve("exchanges");
        Files.createDirectories(exchanges.resolve("environments"));
        Files.createDirectories(exchanges.resolve("feeds"));
        try (var feeds = Files.list(projectDir().resolve("exchanges/feeds"))) {
            for (Path feed : feeds.toList()) {
                Files.copy(feed, exchanges.resolve("feeds").resolve(feed.getFileName()));
            }
        }
        Path env = exchanges.resolve("environments/default.yaml");
        Files.copy(projectDir().resolve("exchanges/environments/default.yaml"), env);
        return env;
    }

    /** Replaces {@code from} (which must be there) with {@code to} in a copied file. */
    static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        if (!text.contains(from)) {
            throw new IllegalStateException(file + " no longer contains '" + from + "': update the test");
        }
        Files.writeString(file, text.replace(from, to));
    }

    static Path projectDir() {
        return Path.of(System.getProperty("ssmd.project.dir", ".."));
    }
}
