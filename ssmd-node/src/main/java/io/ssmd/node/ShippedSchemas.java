package io.ssmd.node;

import io.ssmd.archive.ArchiveLine;
import io.ssmd.core.meta.SchemaCatalog;
import io.ssmd.core.meta.SchemaDefinition;
import io.ssmd.core.model.MarketEventSchemas;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The record formats this build writes, with the versions the checked-in catalog ({@code schemas.tsv} beside this
 * class) gives them: the normalized records and the raw archive line. ssmd has no export format yet. A node registers
 * them at startup; {@code ssmd schema} registers them before it reads.
 */
public final class ShippedSchemas {

    static final String CATALOG = "schemas.tsv";

    private ShippedSchemas() {}

    /** Schema name to the JSON Schema generated from the code's records. */
    public static Map<String, Map<String, Object>> generated() {
        Map<String, Map<String, Object>> all = new TreeMap<>(MarketEventSchemas.generated());
        all.put(ArchiveLine.SCHEMA, ArchiveLine.schema());
        return all;
    }

    public static SchemaCatalog catalog() {
        try (InputStream in = ShippedSchemas.class.getResourceAsStream(CATALOG)) {
            if (in == null) {
                throw new IllegalStateException("io/ssmd/node/" + CATALOG + " is missing from the build");
            }
            return SchemaCatalog.read(in, "ssmd-node/src/main/resources/io/ssmd/node/" + CATALOG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The versions to register.
     *
     * @throws IllegalStateException when a record changed without a new catalog version
     */
    public static List<SchemaDefinition> definitions() {
        return catalog().check(generated());
    }
}
