package io.ssmd.data.export;

import io.ssmd.core.meta.UnknownNameException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tables an export writes, one file per type and day (DESIGN §16), each from the normalized records (DESIGN §8)
 * whose schemas in the registry it names.
 */
public enum ExportType {
    /** {@code Trade}s. */
    TRADE("trade", List.of("trade")),
    /** {@code Ticker}s. */
    TICKER("ticker", List.of("ticker")),
    /** {@code BookSnapshot}s and {@code BookDelta}s, one row per level, or the top N levels per update. */
    BOOK("book", List.of("orderbook-snapshot", "orderbook-delta")),
    /** {@code Lifecycle} events. */
    LIFECYCLE("lifecycle", List.of("lifecycle"));

    private final String id;
    private final List<String> schemas;

    ExportType(String id, List<String> schemas) {
        this.id = id;
        this.schemas = schemas;
    }

    /** The name on the command line and of the file ({@code trade.parquet}). */
    public String id() {
        return id;
    }

    /** The schema registry's names of the records this table is made of. */
    public List<String> schemas() {
        return schemas;
    }

    /** Every type's id, in table order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(ExportType::id).toList();
    }

    /**
     * The types of a comma-separated list ({@code trade,book}); all of them for an empty list.
     *
     * @throws UnknownNameException for a name that is no type ("Did you mean 'trade'?")
     */
    public static Set<ExportType> parse(List<String> names) {
        if (names.isEmpty()) {
            return EnumSet.allOf(ExportType.class);
        }
        Set<ExportType> types = EnumSet.noneOf(ExportType.class);
        for (String name : names) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            ExportType type = Arrays.stream(values())
                    .filter(t -> t.id.equals(n))
                    .findFirst()
                    .orElseThrow(() -> new UnknownNameException("export type", name, new ArrayList<>(ids())));
            types.add(type);
        }
        return types;
    }
}
