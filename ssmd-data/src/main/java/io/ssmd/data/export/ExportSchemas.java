package io.ssmd.data.export;

import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SchemaCatalog;
import io.ssmd.core.meta.SchemaRegistry;
import io.ssmd.node.ShippedSchemas;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The schema versions an export's files name: those of the normalized records each table is made of, from the schema
 * registry (DESIGN §14). The build's shipped versions are registered first, as a node and {@code ssmd schema} do, so
 * the registry holds what this build writes. Without a database, the checked-in catalog the registry is filled from.
 */
public final class ExportSchemas {

    private ExportSchemas() {}

    /** Schema name → version, from the registry. */
    public static Map<String, Integer> fromRegistry(Metadata metadata) {
        SchemaRegistry registry = new SchemaRegistry(metadata);
        registry.registerAll(ShippedSchemas.definitions());
        Map<String, Integer> versions = new TreeMap<>();
        for (ExportType type : ExportType.values()) {
            for (String schema : type.schemas()) {
                versions.put(schema, registry.version(schema, Optional.empty()).version());
            }
        }
        return versions;
    }

    /** Schema name → version, from the catalog shipped with this build (no database). */
    public static Map<String, Integer> shipped() {
        SchemaCatalog catalog = ShippedSchemas.catalog();
        Map<String, Integer> versions = new TreeMap<>();
        for (ExportType type : ExportType.values()) {
            for (String schema : type.schemas()) {
                versions.put(
                        schema,
                        catalog.newest(schema)
                                .orElseThrow(() -> new IllegalStateException(
                                        "schema '" + schema + "' is missing from the shipped catalog"))
                                .version());
            }
        }
        return versions;
    }
}
