package io.ssmd.core.meta;

import java.util.List;
import java.util.Optional;

/**
 * What applying a file to an environment would do: create it, change nothing (same content hash), or record a new
 * version with exactly these changes.
 */
public record EnvironmentPlan(
        String name,
        Kind kind,
        Optional<EnvironmentVersion> current,
        CanonicalConfig proposed,
        List<ConfigChange> changes) {

    public enum Kind {
        NEW_ENVIRONMENT,
        UNCHANGED,
        NEW_VERSION
    }

    public EnvironmentPlan {
        changes = List.copyOf(changes);
    }

    /** The version number applying would record, or the current one when unchanged. */
    public int nextVersion() {
        return switch (kind) {
            case NEW_ENVIRONMENT -> 1;
            case UNCHANGED -> current.orElseThrow().version();
            case NEW_VERSION -> current.orElseThrow().version() + 1;
        };
    }
}
