package io.ssmd.core.config;

import java.nio.file.Path;

/**
 * Kalshi credentials resolved at validation time: the key id and a private key file that exists. The file is read
 * by the Kalshi feed, not here, so the key never passes through configuration objects.
 */
public record KalshiCredentials(String keyId, Path privateKeyFile) {

    /** Omits the key id, so that logging a configuration never shows it. */
    @Override
    public String toString() {
        return "KalshiCredentials[keyId=<redacted>, privateKeyFile=" + privateKeyFile + "]";
    }
}
