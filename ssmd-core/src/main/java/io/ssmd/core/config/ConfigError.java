package io.ssmd.core.config;

import java.nio.file.Path;

/**
 * One problem found in a configuration file.
 *
 * @param file    the file the problem is in (the environment file for references that do not resolve)
 * @param keyPath where in the file, e.g. {@code feeds.kraken.instruments[1]}; empty for the file as a whole
 * @param message what is wrong and what is expected instead; never a secret value
 */
public record ConfigError(Path file, String keyPath, String message) {

    /** {@code {file}: {keyPath}: {message}}, or {@code {file}: {message}} when the problem is the whole file. */
    @Override
    public String toString() {
        return keyPath.isEmpty() ? file + ": " + message : file + ": " + keyPath + ": " + message;
    }
}
