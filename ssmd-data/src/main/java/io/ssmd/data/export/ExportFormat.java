package io.ssmd.data.export;

import io.ssmd.core.meta.UnknownNameException;
import java.util.Arrays;
import java.util.Locale;

/** The file formats an export writes: Parquet with key-value metadata, or CSV with a header and the same columns. */
public enum ExportFormat {
    PARQUET("parquet"),
    CSV("csv");

    private final String id;

    ExportFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The file name extension, with its dot. */
    public String extension() {
        return "." + id;
    }

    /** @throws UnknownNameException for a format that is neither ("Did you mean 'parquet'?") */
    public static ExportFormat parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(f -> f.id.equals(n))
                .findFirst()
                .orElseThrow(() -> new UnknownNameException(
                        "export format",
                        name,
                        Arrays.stream(values()).map(ExportFormat::id).toList()));
    }
}
