package io.ssmd.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The gateway (DESIGN §7).
 *
 * @param enabled     whether nodes with the gateway role serve clients
 * @param apiKeysFile a file of SHA-256 hashes of accepted API keys; when empty, no key is required
 */
public record GatewaySpec(boolean enabled, Optional<Path> apiKeysFile) {
}
