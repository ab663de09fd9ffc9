package io.ssmd.core.meta;

import java.time.Instant;

/** An environment and its current version, as {@code env list} and {@code /v1/meta/environments} show it. */
public record EnvironmentSummary(
        String name,
        String status,
        Instant createdAt,
        String createdBy,
        int currentVersion,
        String configHash,
        Instant deployedAt,
        String deployedBy) {}
