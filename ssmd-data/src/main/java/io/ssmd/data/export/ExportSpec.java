package io.ssmd.data.export;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to export and where.
 *
 * @param outDir         files go to {@code {outDir}/{feed}/{date}/{type}.{parquet|csv}}
 * @param bookLevels     0 for book levels as they change (snapshots and deltas, flagged), else the top N per update
 * @param schemaVersions the registry's version of each schema name the types are made of ({@code trade} → 1)
 * @param ssmdVersion    the version of the ssmd that writes the files
 */
public record ExportSpec(
        String feed,
        Path outDir,
        ExportFormat format,
        Set<ExportType> types,
        int bookLevels,
        Map<String, Integer> schemaVersions,
        String ssmdVersion) {

    /** Metadata key: the layout of the columns; raised when a column changes meaning or type. */
    public static final String LAYOUT_VERSION = "1";

    public ExportSpec {
        if (bookLevels < 0) {
            throw new IllegalArgumentException("--book-levels must be at least 1, got " + bookLevels);
        }
        types = Set.copyOf(types);
        schemaVersions = Map.copyOf(schemaVersions);
        for (ExportType type : types) {
            for (String schema : type.schemas()) {
                if (!schemaVersions.containsKey(schema)) {
                    throw new IllegalArgumentException("no schema version for '" + schema + "' (type " + type.id()
                            + "): the schema registry must hold it");
                }
            }
        }
    }

    /** The file of a type and day. */
    public Path file(String name, LocalDate date) {
        return outDir.resolve(feed).resolve(date.toString()).resolve(name + format.extension());
    }

    /** {@code trade:1}, {@code orderbook-snapshot:1,orderbook-delta:1}: the inventory's {@code schema_version}. */
    public String schemaVersion(ExportType type) {
        return String.join(
                ",",
                type.schemas().stream()
                        .map(s -> s + ":" + schemaVersions.get(s))
                        .toList());
    }

    /** The Parquet key-value metadata of a type's file of one day. */
    public Map<String, String> metadata(ExportType type, LocalDate date, String env) {
        List<String> schemas = type.schemas();
        Map<String, String> m = new java.util.TreeMap<>();
        m.put("ssmd.version", ssmdVersion);
        m.put("ssmd.feed", feed);
        m.put("ssmd.env", env);
        m.put("ssmd.date", date.toString());
        m.put("ssmd.type", type.id());
        m.put("ssmd.schema", String.join(",", schemas));
        m.put(
                "ssmd.schema_version",
                String.join(
                        ",",
                        schemas.stream()
                                .map(s -> schemaVersions.get(s).toString())
                                .toList()));
        m.put("ssmd.layout_version", LAYOUT_VERSION);
        if (type == ExportType.BOOK) {
            m.put("ssmd.book_levels", Integer.toString(bookLevels));
        }
        return m;
    }
}
