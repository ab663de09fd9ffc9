package io.ssmd.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration is invalid; carries every problem found, not just the first. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    /** @param errors every problem found, at least one */
    public ConfigException(List<ConfigError> errors) {
        super(describe(errors));
        this.errors = List.copyOf(errors);
    }

    /** Every problem, in the order found. */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String describe(List<ConfigError> errors) {
        return "invalid configuration (" + errors.size() + (errors.size() == 1 ? " error" : " errors") + "):\n"
                + errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
    }
}
