package io.ssmd.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A throw-away copy of the {@code exchanges/} layout: the shipped feed files under {@code feeds/}, and environment
 * files written by each test under {@code environments/}.
 */
final class ConfigFixture {

    private final Path root;

    private ConfigFixture(Path root) {
        this.root = root;
    }

    /** The repository's {@code exchanges/} directory, found from the module's working directory. */
    static Path shippedExchanges() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("exchanges/environments/default.yaml"))) {
                return dir.resolve("exchanges");
            }
        }
        throw new IllegalStateException("exchanges/environments/default.yaml not found above the working directory");
    }

    static ConfigFixture in(Path tempDir) {
        try {
            Path feeds = Files.createDirectories(tempDir.resolve("feeds"));
            Files.createDirectories(tempDir.resolve("environments"));
            try (Stream<Path> shipped = Files.list(shippedExchanges().resolve("feeds"))) {
                for (Path file : shipped.toList()) {
                    Files.copy(file, feeds.resolve(file.getFileName()));
                }
            }
            return new ConfigFixture(tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path feedFile(String name) {
        return root.resolve("feeds").resolve(name + ".yaml");
    }

    /** Writes {@code environments/{name}.yaml}. */
    Path env(String name, String yaml) {
        return write(root.resolve("environments").resolve(name + ".yaml"), yaml);
    }

    /** Overwrites (or adds) {@code feeds/{name}.yaml}. */
    Path feed(String name, String yaml) {
        return write(feedFile(name), yaml);
    }

    /** Rewrites a shipped feed file with one piece of text replaced. */
    Path editFeed(String name, String from, String to) {
        try {
            String text = Files.readString(feedFile(name));
            if (!text.contains(from)) {
                throw new IllegalArgumentException(name + ".yaml has no '" + from + "'");
            }
            return write(feedFile(name), text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file(String relative, String content) {
        return write(root.resolve(relative), content);
    }

    private static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
