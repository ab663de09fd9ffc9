package io.ssmd.core.config;

import java.nio.file.Path;

/** Reads one feed file on its own, outside an environment: what the feed registry registers. */
public final class FeedFiles {

    private FeedFiles() {}

    /**
     * The feed file's definition, checked as an environment would check it.
     *
     * @param name the feed's name; the file's {@code name} must equal it
     * @throws ConfigException with every problem, each naming the file and key
     */
    public static FeedDefinition read(Path file, String name) {
        Findings findings = new Findings();
        return FeedFileLoader.load(file, name, findings).orElseThrow(() -> new ConfigException(findings.errors()));
    }
}
