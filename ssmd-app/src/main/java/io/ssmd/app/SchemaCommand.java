package io.ssmd.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.ArchiveLine;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.MetaViews;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SchemaCompatibility;
import io.ssmd.core.meta.SchemaRegistry;
import io.ssmd.core.meta.SchemaVersion;
import io.ssmd.core.meta.UnknownNameException;
import io.ssmd.node.ShippedSchemas;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ssmd schema ...}: the schema registry. Every command first registers the versions this build ships (from
 * the checked-in catalog), so the registry always knows the formats the running code writes.
 */
@Command(
        name = "schema",
        description = "The schema registry: every record format ssmd writes, its versions, hashes and compatibility.",
        subcommands = {
            SchemaCommand.ListSchemas.class,
            SchemaCommand.Show.class,
            SchemaCommand.Compat.class,
            SchemaCommand.Used.class
        })
final class SchemaCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SchemaRegistry registry(Metadata metadata) {
        SchemaRegistry registry = new SchemaRegistry(metadata);
        registry.registerAll(ShippedSchemas.definitions());
        return registry;
    }

    @Command(name = "list", description = "The newest version of every schema.")
    static final class ListSchemas extends MetadataCommand {

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            List<SchemaVersion> schemas = registry(metadata).list();
            if (json()) {
                printJson(out, schemas.stream().map(s -> summary(s)).toList());
                return 0;
            }
            TextTable table =
                    TextTable.of("schema", "version", "status", "effective from", "compatible with", "sha256");
            for (SchemaVersion s : schemas) {
                table.row(
                        s.name(),
                        s.version(),
                        s.status(),
                        s.effectiveFrom().toString(),
                        s.compatibleWith().orElse(null),
                        s.schemaHash().substring(0, 16));
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "show", description = "One schema version (the newest unless --version): its JSON Schema.")
    static final class Show extends MetadataCommand {

        @Parameters(paramLabel = "NAME", description = "The schema, e.g. trade")
        String name;

        @Option(names = "--version", paramLabel = "V", description = "The version; default the newest")
        Integer version;

        // This command's --version takes the name of the inherited one, and picocli then drops the inherited
        // --help with it: declared again here.
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help message and exit.")
        boolean help;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            SchemaRegistry registry = registry(metadata);
            SchemaVersion s = registry.version(name, Optional.ofNullable(version));
            List<SchemaVersion> versions = registry.versions(name);
            if (json()) {
                printJson(out, MetaViews.schemaDetail(s, versions));
                return 0;
            }
            TextTable.of("field", "value")
                    .row("schema", s.name())
                    .row("version", Integer.toString(s.version()) + " of " + versions.size())
                    .row(
                            "status",
                            s.status()
                                    + s.deprecatedAt().map(t -> " since " + t).orElse(""))
                    .row("effective from", s.effectiveFrom().toString())
                    .row(
                            "compatible with",
                            s.compatibleWith().map(Object::toString).orElse(null))
                    .row("breaking changes", s.breaking().isEmpty() ? null : String.join("; ", s.breaking()))
                    .row("format", s.format())
                    .row("sha256", s.schemaHash())
                    .print(out);
            out.println();
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(s.definition())));
            return 0;
        }
    }

    @Command(
            name = "compat",
            description = "Whether data of version --to can be read by a reader of version --from. Exit code 0 when"
                    + " compatible, 1 when breaking.")
    static final class Compat extends MetadataCommand {

        @Parameters(paramLabel = "NAME", description = "The schema")
        String name;

        @Option(names = "--from", paramLabel = "V1", required = true, description = "The reader's version")
        int from;

        @Option(names = "--to", paramLabel = "V2", required = true, description = "The writer's version")
        int to;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            SchemaCompatibility.Result r = registry(metadata).compat(name, from, to);
            if (json()) {
                Map<String, Object> shown = new LinkedHashMap<>();
                shown.put("schema", name);
                shown.put("from", from);
                shown.put("to", to);
                shown.put("compatible", r.compatible());
                shown.put("breaking", r.breaking());
                shown.put("additions", r.additions());
                printJson(out, shown);
            } else {
                out.println(name + " " + from + " -> " + to + ": " + (r.compatible() ? "compatible" : "breaking"));
                r.breaking().forEach(b -> out.println("  ✗ " + b));
                r.additions().forEach(a -> out.println("  + " + a));
            }
            return r.compatible() ? 0 : 1;
        }
    }

    @Command(
            name = "used",
            description = "Which schema version wrote a feed's archive files on a day, from the archive's manifests"
                    + " (until the data inventory exists): the archive-line version in effect that day.")
    static final class Used extends MetadataCommand {

        @Option(names = "--feed", paramLabel = "F", required = true, description = "The feed")
        String feed;

        @Option(
                names = "--date",
                paramLabel = "D",
                required = true,
                converter = DateConverter.class,
                description = "The day (YYYY-MM-DD)")
        LocalDate date;

        @Option(
                names = "--root",
                paramLabel = "DIR",
                defaultValue = "./data/archive",
                description = "The archive root (storage.archive-root; default ${DEFAULT-VALUE})")
        Path root;

        @Override
        int run(Metadata metadata, PrintWriter out) throws Exception {
            SchemaRegistry registry = registry(metadata);
            List<ArchiveInventory.Day> all =
                    ArchiveInventory.days(root, Optional.empty(), Optional.empty(), Optional.empty());
            TreeSet<String> known = new TreeSet<>(new FeedRegistry(metadata).names());
            all.forEach(d -> known.add(d.feed()));
            if (!known.contains(feed)) {
                throw new UnknownNameException("feed", feed, known);
            }
            List<ArchiveInventory.Day> days = all.stream()
                    .filter(d -> d.feed().equals(feed) && d.date().equals(date))
                    .toList();
            if (days.isEmpty()) {
                TreeSet<LocalDate> dates = new TreeSet<>();
                all.stream().filter(d -> d.feed().equals(feed)).forEach(d -> dates.add(d.date()));
                error("no archive files of feed '" + feed + "' on " + date + " under " + root + "; "
                        + (dates.isEmpty() ? "it has none" : "it has " + dates.first() + " to " + dates.last()));
                return 1;
            }
            // A file written during the day was written by the version in effect then; the end of the day is the
            // latest instant the day's files can have been written (the registry records no finer time yet).
            Instant endOfDay =
                    date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1);
            Optional<SchemaVersion> line = registry.inEffect(ArchiveLine.SCHEMA, endOfDay);
            if (json()) {
                printJson(
                        out,
                        days.stream()
                                .map(d -> {
                                    Map<String, Object> m = new LinkedHashMap<>();
                                    m.put("date", d.date().toString());
                                    m.put("feed", d.feed());
                                    m.put("stream", d.stream());
                                    m.put("files", d.files());
                                    m.put("records", d.records());
                                    m.put("schema", ArchiveLine.SCHEMA);
                                    m.put(
                                            "version",
                                            line.map(SchemaVersion::version).orElse(null));
                                    m.put(
                                            "sha256",
                                            line.map(SchemaVersion::schemaHash).orElse(null));
                                    return m;
                                })
                                .toList());
                return 0;
            }
            TextTable table = TextTable.of("date", "feed", "stream", "files", "records", "schema", "version");
            for (ArchiveInventory.Day d : days) {
                table.row(
                        d.date().toString(),
                        d.feed(),
                        d.stream(),
                        d.files(),
                        d.records(),
                        ArchiveLine.SCHEMA,
                        line.map(s -> Integer.toString(s.version())).orElse("before the registry"));
            }
            table.print(out);
            return 0;
        }
    }

    private static Map<String, Object> summary(SchemaVersion s) {
        return MetaViews.schema(s);
    }
}
