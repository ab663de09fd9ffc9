package io.ssmd.core.meta;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The checked-in list of schema versions ({@code name version sha256 effective-from}, one a line): what the code's
 * generated schemas must match. A record changed without a new line here fails {@link #check}, so no format changes
 * without a new version.
 */
public final class SchemaCatalog {

    /** One line of the catalog. */
    public record Entry(String name, int version, String hash, Instant effectiveFrom) {}

    private final String source;
    private final List<Entry> entries;

    private SchemaCatalog(String source, List<Entry> entries) {
        this.source = source;
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads a catalog; {@code #} starts a comment.
     *
     * @param source names the catalog in error messages
     * @throws IllegalArgumentException naming the source and line for a malformed one
     */
    public static SchemaCatalog read(InputStream in, String source) {
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                String text = line.replaceAll("#.*", "").trim();
                if (text.isEmpty()) {
                    continue;
                }
                String[] f = text.split("\\s+");
                try {
                    if (f.length != 4 || !f[2].matches("[0-9a-f]{64}")) {
                        throw new IllegalArgumentException("expected: name version sha256 effective-from");
                    }
                    Entry entry = new Entry(f[0], Integer.parseInt(f[1]), f[2], Instant.parse(f[3]));
                    if (entries.stream()
                            .anyMatch(e -> e.name().equals(entry.name()) && e.version() == entry.version())) {
                        throw new IllegalArgumentException(
                                "'" + entry.name() + "' version " + entry.version() + " is listed twice");
                    }
                    entries.add(entry);
                } catch (NumberFormatException | DateTimeParseException e) {
                    throw new IllegalArgumentException(source + ": line " + number
                            + ": expected: name version sha256 effective-from (" + e.getMessage() + ")");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ": line " + number + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
        return new SchemaCatalog(source, entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The newest version the catalog lists for {@code name}. */
    public Optional<Entry> newest(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).max(Comparator.comparingInt(Entry::version));
    }

    /**
     * The generated schemas as versions to register: each must be the newest catalog version of its name, hash for
     * hash, and every name in the catalog must still be generated.
     *
     * @param generated name to generated schema
     * @throws IllegalStateException saying which schema changed and the line to add
     */
    public List<SchemaDefinition> check(Map<String, Map<String, Object>> generated) {
        List<String> problems = new ArrayList<>();
        List<SchemaDefinition> definitions = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> g : new TreeMap<>(generated).entrySet()) {
            String text = JsonSchemaGenerator.canonical(g.getValue());
            String hash = FeedContent.sha256(text);
            Optional<Entry> newest = newest(g.getKey());
            if (newest.isEmpty()) {
                problems.add("schema '" + g.getKey() + "' is not in " + source + ": add the line '" + g.getKey() + " 1 "
                        + hash + " <effective-from>'");
            } else if (!newest.get().hash().equals(hash)) {
                problems.add("schema '" + g.getKey() + "' generated from the code has hash " + hash
                        + " but its newest version in " + source + " ("
                        + newest.get().version() + ") has "
                        + newest.get().hash() + ": the record changed; add the line '" + g.getKey() + " "
                        + (newest.get().version() + 1) + " " + hash + " <effective-from>'");
            } else {
                definitions.add(new SchemaDefinition(
                        g.getKey(),
                        newest.get().version(),
                        text,
                        hash,
                        newest.get().effectiveFrom()));
            }
        }
        entries.stream()
                .map(Entry::name)
                .distinct()
                .filter(n -> !generated.containsKey(n))
                .forEach(
                        n -> problems.add("schema '" + n + "' is in " + source + " but no code generates it any more"));
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems));
        }
        return definitions;
    }
}
