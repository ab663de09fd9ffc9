package io.ssmd.feeds.shard;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A feed file and an environment written for a test: the shipped feed file of a venue with its endpoint moved to a
 * replay server and some values changed (shorter timeouts, smaller capacity), loaded and validated like any other.
 */
public final class TestFeeds {

    private TestFeeds() {}

    /**
     * @param replacements "key: old value" lines of the shipped file → their replacement (e.g. "silence-timeout: 10s"
     *                     → "silence-timeout: 1s"); each must be present
     */
    public static Environment environment(
            Path dir,
            String env,
            String venue,
            String websocket,
            List<String> instruments,
            Map<String, String> replacements) {
        try {
            Path shipped = Path.of(System.getProperty("ssmd.project.dir", ".."))
                    .resolve("exchanges/feeds")
                    .resolve(venue + ".yaml");
            String feed = Files.readString(shipped).replaceAll("(?m)^(\\s+websocket:\\s*)\\S+", "$1" + websocket);
            for (Map.Entry<String, String> r : replacements.entrySet()) {
                if (!feed.contains(r.getKey())) {
                    throw new IllegalStateException(shipped + " no longer contains '" + r.getKey() + "'");
                }
                feed = feed.replace(r.getKey(), r.getValue());
            }
            Path feeds = Files.createDirectories(dir.resolve("feeds"));
            Files.writeString(feeds.resolve(venue + ".yaml"), feed);
            Path envFile = Files.createDirectories(dir.resolve("environments")).resolve(env + ".yaml");
            Files.writeString(
                    envFile, """
                    name: %s
                    feeds:
                      %s:
                        enabled: true
                        instruments: [%s]
                    storage:
                      archive-root: %s
                    """.formatted(env, venue, String.join(", ", instruments), dir.resolve("archive")));
            return EnvironmentLoader.load(envFile, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@link #environment}, but the feed lists no instruments: they come from discovery. */
    public static Environment discoveryEnvironment(
            Path dir,
            String env,
            String venue,
            String websocket,
            int maxInstruments,
            Map<String, String> replacements) {
        Environment listed = environment(dir, env, venue, websocket, List.of("unused"), replacements);
        try {
            Path envFile = listed.file();
            Files.writeString(
                    envFile,
                    Files.readString(envFile)
                            .replace("instruments: [unused]", "discovery: {max-instruments: " + maxInstruments + "}"));
            return EnvironmentLoader.load(envFile, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EnabledFeed feed(Environment environment, String name) {
        return environment.feed(name).orElseThrow();
    }
}
