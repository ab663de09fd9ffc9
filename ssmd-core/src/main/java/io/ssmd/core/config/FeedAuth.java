package io.ssmd.core.config;

import java.nio.file.Path;
import java.util.Optional;

/** How a feed's connection authenticates. Holds the names of secrets, never their values. */
public sealed interface FeedAuth {

    /** A public feed. */
    enum None implements FeedAuth {
        INSTANCE
    }

    /**
     * Kalshi's RSA-PSS request signing (PROTOCOLS §1.2). The key id comes from an environment variable; the private
     * key (PEM) from a file whose path is either written here or held by an environment variable.
     *
     * @param keyIdEnv          the environment variable holding the API key id
     * @param privateKeyFileEnv the environment variable holding the private key file's path
     * @param privateKeyFile    the private key file's path, resolved against the feed file's directory
     */
    record KalshiRsaPss(String keyIdEnv, Optional<String> privateKeyFileEnv, Optional<Path> privateKeyFile)
            implements FeedAuth {}
}
