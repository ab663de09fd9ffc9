package io.ssmd.core.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.db.Database;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema registry's behaviour, run against PostgreSQL and H2 by the subclasses. */
abstract class SchemaRegistryContract {

    record QuoteV1(String feed, BigDecimal price, long ts) {}

    record QuoteV2(String feed, BigDecimal price, long ts, Optional<String> note) {}

    record QuoteV3(String feed, long price, long ts, Optional<String> note) {}

    private static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant DEC_2 = Instant.parse("2026-12-02T00:00:00Z");
    private static final Instant DEC_3 = Instant.parse("2026-12-03T00:00:00Z");

    @TempDir
    Path dir;

    private Database db;
    private SchemaRegistry schemas;
    private String name;

    abstract DatabaseSettings settings();

    @BeforeEach
    void open() {
        db = Database.open(settings());
        schemas = new SchemaRegistry(Metadata.of(db));
        name = "quote-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private SchemaDefinition definition(Class<? extends Record> type, int version, Instant from) {
        String text = JsonSchemaGenerator.canonical(JsonSchemaGenerator.generate(name, type, JsonConventions.none()));
        return new SchemaDefinition(name, version, text, FeedContent.sha256(text), from);
    }

    @Test
    void registeringTheSameVersionTwiceRecordsItOnce() {
        assertThat(schemas.register(definition(QuoteV1.class, 1, DEC_1)).recorded())
                .isTrue();
        assertThat(schemas.register(definition(QuoteV1.class, 1, DEC_1)).recorded())
                .isFalse();
        assertThat(schemas.versions(name)).hasSize(1);
        SchemaVersion v1 = schemas.version(name, Optional.empty());
        assertThat(v1.schemaHash()).isEqualTo(FeedContent.sha256(v1.definition()));
        assertThat(v1.status()).isEqualTo(SchemaVersion.ACTIVE);
        assertThat(v1.format()).isEqualTo("json-schema-2020-12");
    }

    @Test
    void aRegisteredVersionNeverChanges() {
        schemas.register(definition(QuoteV1.class, 1, DEC_1));
        assertThatThrownBy(() -> schemas.register(definition(QuoteV2.class, 1, DEC_1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a registered version never changes");
    }

    @Test
    void anAddedOptionalFieldIsCompatibleAndARetypedOneBreaks() {
        schemas.register(definition(QuoteV1.class, 1, DEC_1));
        SchemaRegistry.Registration v2 = schemas.register(definition(QuoteV2.class, 2, DEC_2));
        SchemaRegistry.Registration v3 = schemas.register(definition(QuoteV3.class, 3, DEC_3));

        assertThat(v2.compatibleWithPrevious()).isTrue();
        assertThat(v3.compatibleWithPrevious()).isFalse();
        assertThat(schemas.compat(name, 1, 2).additions()).containsExactly("'note' added as optional");
        assertThat(schemas.compat(name, 2, 3).breaking())
                .containsExactly(
                        "'price' type changed from string to integer",
                        "'price' pattern changed from " + JsonSchemaGenerator.DECIMAL_PATTERN + " to null");
        assertThat(schemas.compat(name, 2, 1).breaking()).containsExactly("'note' removed");

        List<SchemaVersion> versions = schemas.versions(name);
        assertThat(versions).extracting(SchemaVersion::status).containsExactly("active", "deprecated", "active");
        assertThat(versions.get(1).deprecatedAt()).contains(DEC_3);
        assertThat(versions.get(1).compatibleWith()).contains(1);
        assertThat(versions.get(2).compatibleWith()).isEmpty();
        assertThat(versions.get(2).breaking()).hasSize(2);
        List<Boolean> migrations = Metadata.of(db)
                .jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT compatible FROM schema_migrations WHERE name = :name ORDER BY from_version")
                        .bind("name", name)
                        .mapTo(Boolean.class)
                        .list());
        assertThat(migrations).containsExactly(true, false);
    }

    @Test
    void theVersionInEffectFollowsEffectiveFrom() {
        schemas.register(definition(QuoteV1.class, 1, DEC_1));
        schemas.register(definition(QuoteV2.class, 2, DEC_3));

        assertThat(schemas.inEffect(name, DEC_1.minusSeconds(1))).isEmpty();
        assertThat(schemas.inEffect(name, DEC_2).orElseThrow().version()).isEqualTo(1);
        assertThat(schemas.inEffect(name, DEC_3).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void unknownSchemasAndVersionsNameWhatExists() {
        schemas.register(definition(QuoteV1.class, 1, DEC_1));
        assertThatThrownBy(() -> schemas.version(name + "x", Optional.empty()))
                .isInstanceOf(UnknownNameException.class)
                .hasMessageContaining("Did you mean '" + name + "'?");
        assertThatThrownBy(() -> schemas.version(name, Optional.of(7)))
                .isInstanceOf(UnknownNameException.class)
                .hasMessageContaining("unknown version of schema '" + name + "' '7'")
                .hasMessageContaining("Known: 1.");
    }
}
