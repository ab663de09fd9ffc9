package io.ssmd.core.meta;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * The schema registry (DESIGN §14): every version of every record format ssmd writes, with its generated JSON Schema,
 * hash, status and compatibility with the version before. A registered version never changes: registering the same
 * name and version with another hash is refused. Blocking.
 */
public final class SchemaRegistry {

    private static final String COLUMNS = "name, version, format, definition, schema_hash, status, effective_from,"
            + " deprecated_at, compatible_with, breaking_changes";

    private final Jdbi jdbi;

    public SchemaRegistry(Metadata metadata) {
        this.jdbi = metadata.jdbi();
        jdbi.registerRowMapper(ConstructorMapper.factory(SchemaVersion.class));
    }

    /** What {@link #register} did: whether it recorded the version (false: it was already registered). */
    public record Registration(String name, int version, boolean recorded, boolean compatibleWithPrevious) {}

    /**
     * Registers a version: compares it with the version before, records the comparison as a schema migration, and
     * deprecates the version before when this one breaks it.
     *
     * @throws IllegalStateException when this name and version are registered with another hash
     */
    public Registration register(SchemaDefinition schema) {
        return jdbi.inTransaction(h -> {
            Optional<SchemaVersion> existing = row(h, schema.name(), schema.version());
            if (existing.isPresent()) {
                if (!existing.get().schemaHash().equals(schema.hash())) {
                    throw new IllegalStateException("schema '" + schema.name() + "' version " + schema.version()
                            + " is registered with hash " + existing.get().schemaHash() + ", not " + schema.hash()
                            + ": a registered version never changes; give the change a new version");
                }
                return new Registration(schema.name(), schema.version(), false, true);
            }
            Optional<SchemaVersion> previous = h.createQuery("SELECT " + COLUMNS + " FROM schema_versions"
                            + " WHERE name = :name AND version < :version ORDER BY version DESC")
                    .bind("name", schema.name())
                    .bind("version", schema.version())
                    .mapTo(SchemaVersion.class)
                    .findFirst();
            Optional<SchemaCompatibility.Result> compat = previous.map(
                    p -> SchemaCompatibility.compare(p.schema(), MetaJson.parseObject(schema.definition())));
            boolean compatible =
                    compat.map(SchemaCompatibility.Result::compatible).orElse(true);
            h.createUpdate("INSERT INTO schema_versions (" + COLUMNS + ") VALUES (:name, :version, :format,"
                            + " :definition, :hash, :status, :from, NULL, :compatibleWith, :breaking)")
                    .bind("name", schema.name())
                    .bind("version", schema.version())
                    .bind("format", SchemaDefinition.FORMAT)
                    .bind("definition", schema.definition())
                    .bind("hash", schema.hash())
                    .bind("status", SchemaVersion.ACTIVE)
                    .bind("from", schema.effectiveFrom())
                    .bind(
                            "compatibleWith",
                            compatible ? previous.map(SchemaVersion::version).orElse(null) : null)
                    .bind(
                            "breaking",
                            MetaJson.write(compat.map(SchemaCompatibility.Result::breaking)
                                    .orElse(List.of())))
                    .execute();
            if (previous.isPresent()) {
                SchemaCompatibility.Result result = compat.orElseThrow();
                h.createUpdate("INSERT INTO schema_migrations (name, from_version, to_version, compatible,"
                                + " description, created_at) VALUES (:name, :from, :to, :compatible, :description,"
                                + " :at)")
                        .bind("name", schema.name())
                        .bind("from", previous.get().version())
                        .bind("to", schema.version())
                        .bind("compatible", compatible)
                        .bind(
                                "description",
                                compatible
                                        ? "readers of " + previous.get().version() + " read "
                                                + schema.version() + " unchanged: "
                                                + String.join("; ", result.additions())
                                        : "breaking: " + String.join("; ", result.breaking()))
                        .bind("at", schema.effectiveFrom())
                        .execute();
                if (!compatible) {
                    h.createUpdate("UPDATE schema_versions SET status = :status, deprecated_at = :at"
                                    + " WHERE name = :name AND version = :version")
                            .bind("status", SchemaVersion.DEPRECATED)
                            .bind("at", schema.effectiveFrom())
                            .bind("name", schema.name())
                            .bind("version", previous.get().version())
                            .execute();
                }
            }
            return new Registration(schema.name(), schema.version(), true, compatible);
        });
    }

    /** Registers every definition; the number newly recorded. */
    public int registerAll(List<SchemaDefinition> schemas) {
        return (int) schemas.stream()
                .map(this::register)
                .filter(Registration::recorded)
                .count();
    }

    /** Every registered schema name, sorted. */
    public List<String> names() {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT name FROM schema_versions ORDER BY name")
                .mapTo(String.class)
                .list());
    }

    /** The newest version of every schema. */
    public List<SchemaVersion> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM schema_versions s WHERE version ="
                        + " (SELECT MAX(version) FROM schema_versions m WHERE m.name = s.name) ORDER BY name")
                .mapTo(SchemaVersion.class)
                .list());
    }

    /**
     * Every version of a schema, oldest first.
     *
     * @throws UnknownNameException when no schema of that name is registered
     */
    public List<SchemaVersion> versions(String name) {
        List<SchemaVersion> versions = jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + " FROM schema_versions WHERE name = :name ORDER BY version")
                        .bind("name", name)
                        .mapTo(SchemaVersion.class)
                        .list());
        if (versions.isEmpty()) {
            throw new UnknownNameException("schema", name, names());
        }
        return versions;
    }

    /**
     * One version of a schema, the newest when none is asked for.
     *
     * @throws UnknownNameException when the schema or the version is not registered
     */
    public SchemaVersion version(String name, Optional<Integer> version) {
        List<SchemaVersion> versions = versions(name);
        if (version.isEmpty()) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream()
                .filter(v -> v.version() == version.get())
                .findFirst()
                .orElseThrow(() -> new UnknownNameException(
                        "version of schema '" + name + "'",
                        version.get().toString(),
                        versions.stream()
                                .map(v -> Integer.toString(v.version()))
                                .toList()));
    }

    /**
     * The version in effect at {@code t}: the newest whose {@code effective_from} is not after it. Empty when {@code
     * t} is before the first version.
     *
     * @throws UnknownNameException when no schema of that name is registered
     */
    public Optional<SchemaVersion> inEffect(String name, Instant t) {
        return versions(name).stream()
                .filter(v -> !v.effectiveFrom().isAfter(t))
                .reduce((a, b) -> b);
    }

    /**
     * Whether data of version {@code to} can be read by a reader of {@code from}.
     *
     * @throws UnknownNameException when the schema or either version is not registered
     */
    public SchemaCompatibility.Result compat(String name, int from, int to) {
        return SchemaCompatibility.compare(
                version(name, Optional.of(from)).schema(),
                version(name, Optional.of(to)).schema());
    }

    private static Optional<SchemaVersion> row(Handle h, String name, int version) {
        return h.createQuery("SELECT " + COLUMNS + " FROM schema_versions WHERE name = :name AND version = :version")
                .bind("name", name)
                .bind("version", version)
                .mapTo(SchemaVersion.class)
                .findOne();
    }
}
