package io.ssmd.core.meta;

import java.time.Instant;
import java.util.Optional;

/**
 * One applied version of an environment: its canonical YAML (which names secrets by variable or file, never holds
 * them), who applied it, from which file and git commit, and when it was in effect ({@code validFrom <= t < validTo}).
 */
public record EnvironmentVersion(
        String environment,
        int version,
        String configYaml,
        String configHash,
        String sourceFile,
        Instant deployedAt,
        String deployedBy,
        Optional<String> gitCommit,
        Instant validFrom,
        Optional<Instant> validTo) {

    /** The stored content, parsed again (for diffs and for reading settings such as the archive root). */
    public CanonicalConfig config() {
        return CanonicalConfig.ofYaml(configYaml);
    }
}
