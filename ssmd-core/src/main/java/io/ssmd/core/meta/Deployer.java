package io.ssmd.core.meta;

import java.util.Optional;

/**
 * Who applies a version, and from where.
 *
 * @param who        the OS user (CLI) or the node's name
 * @param trigger    {@code cli} or {@code node}
 * @param sourceFile the file applied
 * @param gitCommit  {@code git rev-parse HEAD} of the file's checkout, when it is in one
 */
public record Deployer(String who, String trigger, String sourceFile, Optional<String> gitCommit) {}
