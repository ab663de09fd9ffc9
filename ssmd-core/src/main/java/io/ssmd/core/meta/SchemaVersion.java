package io.ssmd.core.meta;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One registered version of a record format.
 *
 * @param format          how {@code definition} is written ({@code json-schema-2020-12})
 * @param definition      the JSON Schema generated from the code's record, canonical JSON
 * @param schemaHash      SHA-256 (hex) of {@code definition}
 * @param status          {@code active} or {@code deprecated} (a later version broke compatibility with it)
 * @param compatibleWith  the earlier version whose readers can read this one, if any
 * @param breakingChanges JSON array of what breaks a reader of the previous version
 */
public record SchemaVersion(
        String name,
        int version,
        String format,
        String definition,
        String schemaHash,
        String status,
        Instant effectiveFrom,
        Optional<Instant> deprecatedAt,
        Optional<Integer> compatibleWith,
        String breakingChanges) {

    public static final String ACTIVE = "active";
    public static final String DEPRECATED = "deprecated";

    /** The definition, parsed. */
    public Map<String, Object> schema() {
        return MetaJson.parseObject(definition);
    }

    /** The breaking changes, parsed. */
    public List<String> breaking() {
        return MetaJson.stringList(breakingChanges);
    }
}
