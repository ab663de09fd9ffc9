package io.ssmd.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.meta.SchemaCatalog;
import io.ssmd.core.meta.SchemaDefinition;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ShippedSchemasTest {

    /** A record changed without a new version in schemas.tsv fails here, with the line to add. */
    @Test
    void everyGeneratedSchemaMatchesItsNewestCheckedInVersion() {
        List<SchemaDefinition> definitions = ShippedSchemas.definitions();

        assertThat(definitions)
                .extracting(SchemaDefinition::name)
                .containsExactly(
                        "archive-line", "lifecycle", "orderbook-delta", "orderbook-snapshot", "ticker", "trade");
    }

    @Test
    void aChangedRecordWithoutANewVersionIsRefused() {
        SchemaCatalog catalog = ShippedSchemas.catalog();
        Map<String, Map<String, Object>> generated = new TreeMap<>(ShippedSchemas.generated());
        Map<String, Object> trade = new TreeMap<>(generated.get("trade"));
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = new TreeMap<>((Map<String, Object>) trade.get("properties"));
        properties.put("venueSeq", Map.of("type", "integer"));
        trade.put("properties", properties);
        generated.put("trade", trade);

        assertThatThrownBy(() -> catalog.check(generated))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema 'trade' generated from the code has hash")
                .hasMessageContaining("add the line 'trade 2 ");
    }

    @Test
    void aMalformedCatalogLineNamesTheSourceAndLine() {
        assertThatThrownBy(() -> SchemaCatalog.read(
                        new ByteArrayInputStream(
                                "# c\ntrade one abc 2026-12-06T00:00:00Z\n".getBytes(StandardCharsets.UTF_8)),
                        "schemas.tsv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schemas.tsv: line 2:");
    }
}
