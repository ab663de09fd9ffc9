package io.ssmd.core.config;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of validating an environment: what passed (one human line per check), what failed, and the loaded
 * environment when nothing failed.
 */
public record ValidationReport(List<String> passed, List<ConfigError> errors, Optional<Environment> environment) {

    public ValidationReport {
        passed = List.copyOf(passed);
        errors = List.copyOf(errors);
    }

    /** Whether the environment may be started. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
