package io.ssmd.core.config;

import java.util.ArrayList;
import java.util.List;

/** What one validation run has found so far: errors from every file, and the checks that passed. */
final class Findings {

    private final List<ConfigError> errors = new ArrayList<>();
    private final List<String> passed = new ArrayList<>();

    void error(ConfigError error) {
        errors.add(error);
    }

    void passed(String line) {
        passed.add(line);
    }

    /** A marker to ask later whether a section added errors. */
    int mark() {
        return errors.size();
    }

    boolean cleanSince(int mark) {
        return errors.size() == mark;
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<ConfigError> errors() {
        return List.copyOf(errors);
    }

    List<String> passed() {
        return List.copyOf(passed);
    }
}
