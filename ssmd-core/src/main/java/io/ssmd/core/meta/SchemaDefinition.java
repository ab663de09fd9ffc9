package io.ssmd.core.meta;

import java.time.Instant;

/**
 * A schema version as the code generates it, ready to register.
 *
 * @param definition the JSON Schema, canonical JSON
 * @param hash       SHA-256 (hex) of {@code definition}
 */
public record SchemaDefinition(String name, int version, String definition, String hash, Instant effectiveFrom) {

    /** How every definition is written. */
    public static final String FORMAT = "json-schema-2020-12";
}
