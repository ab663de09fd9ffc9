package io.ssmd.app;

import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.Gap;
import io.ssmd.archive.InventoryRebuild;
import io.ssmd.core.config.ConfigException;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.db.Database;
import io.ssmd.core.db.DatabaseUnavailableException;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.Metadata;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ssmd data ...}: what the archive holds, from the {@code data_inventory} and {@code data_gaps} tables (DESIGN
 * §14); from the manifests under {@code --root} when there is no database.
 */
@Command(
        name = "data",
        description = "What the archive holds: the data inventory (database), else the manifests.",
        mixinStandardHelpOptions = true,
        subcommands = {DataCommand.Inventory.class, DataCommand.Gaps.class, DataQualityCommand.class, QueryCommand.class
        })
final class DataCommand {

    @Option(
            names = "--root",
            paramLabel = "DIR",
            defaultValue = "./data/archive",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The archive root whose manifests are read when there is no database (storage.archive-root;"
                    + " default ${DEFAULT-VALUE})")
    Path root;

    @Command(
            name = "inventory",
            description = "One line per feed and day: raw and normalized records and bytes, status, quality, gaps"
                    + " (data_inventory); --rebuild writes the rows again from the manifests.",
            mixinStandardHelpOptions = true)
    static final class Inventory implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        DataCommand parent;

        @picocli.CommandLine.Mixin
        MetadataOptions options;

        @Option(
                names = "--status",
                paramLabel = "S",
                description = "Only days of this status: processing, complete, partial, failed")
        String status;

        @Option(
                names = "--rebuild",
                description = "Write the rows of --env's archived streams again from their manifests (local disk, or"
                        + " the bucket with --remote)")
        boolean rebuild;

        @Option(names = "--remote", description = "With --rebuild: read the manifests from the bucket (storage.upload)")
        boolean remote;

        @Option(
                names = "--env",
                paramLabel = "FILE",
                description = "With --rebuild: the environment YAML whose archivers' streams are rebuilt")
        Path envFile;

        @Option(names = "--feed", paramLabel = "F", description = "Only this feed")
        String feed;

        @Option(names = "--from", paramLabel = "D", description = "From this date (YYYY-MM-DD), inclusive")
        LocalDate from;

        @Option(names = "--to", paramLabel = "D", description = "To this date (YYYY-MM-DD), inclusive")
        LocalDate to;

        @Override
        public Integer call() {
            Map<String, String> env = System.getenv();
            if (status != null && !DataInventory.STATUSES.contains(status)) {
                System.err.println("ssmd data inventory: --status " + status + " is not one of "
                        + String.join(", ", DataInventory.STATUSES));
                return 2;
            }
            if (rebuild) {
                if (envFile == null) {
                    System.err.println("ssmd data inventory: --rebuild needs --env FILE (the environment whose"
                            + " archives are rebuilt)");
                    return 2;
                }
                try (Database db = options.open(env)) {
                    return InventoryCommands.rebuild(
                            new DataInventory(Metadata.of(db)),
                            EnvironmentLoader.load(envFile, env),
                            new InventoryRebuild.Scope(
                                    Optional.ofNullable(feed),
                                    Optional.ofNullable(from),
                                    Optional.ofNullable(to),
                                    remote),
                            options.json,
                            System.out,
                            System.err);
                } catch (DatabaseUnavailableException | ConfigException e) {
                    System.err.println("ssmd data inventory: " + e.getMessage());
                    return 1;
                }
            }
            Optional<Database> db =
                    InventoryCommands.open(options, env, parent.root, "ssmd data inventory", System.err);
            if (db.isPresent()) {
                try (Database d = db.get()) {
                    return InventoryCommands.list(
                            Metadata.of(d),
                            Optional.ofNullable(feed),
                            Optional.ofNullable(from),
                            Optional.ofNullable(to),
                            Optional.ofNullable(status),
                            options.json,
                            System.out,
                            System.err);
                }
            }
            return inventory(
                    parent.root,
                    Optional.ofNullable(feed),
                    Optional.ofNullable(from),
                    Optional.ofNullable(to),
                    System.out,
                    System.err);
        }

        static int inventory(
                Path root,
                Optional<String> feed,
                Optional<LocalDate> from,
                Optional<LocalDate> to,
                PrintStream out,
                PrintStream err) {
            List<ArchiveInventory.Day> days;
            try {
                days = ArchiveInventory.days(root, feed, from, to);
            } catch (IOException e) {
                err.println("ssmd data inventory: " + e.getMessage());
                return 1;
            }
            out.printf(
                    "%-10s  %-16s  %-24s  %5s  %12s  %12s  %5s  %s%n",
                    "date", "feed", "stream", "files", "records", "bytes", "gaps", "status");
            for (ArchiveInventory.Day d : days) {
                out.printf(
                        "%-10s  %-16s  %-24s  %5d  %,12d  %,12d  %5d  %s%n",
                        d.date(), d.feed(), d.stream(), d.files(), d.records(), d.bytes(), d.gaps(), d.status());
            }
            if (days.isEmpty()) {
                out.println("(no archived days match)");
            }
            return 0;
        }
    }

    @Command(
            name = "gaps",
            description = "The gaps of one feed on one day: type, seqs, times (UTC), shard, reason (data_gaps).",
            mixinStandardHelpOptions = true)
    static final class Gaps implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        DataCommand parent;

        @picocli.CommandLine.Mixin
        MetadataOptions options;

        @Option(names = "--feed", paramLabel = "F", required = true, description = "The feed")
        String feed;

        @Option(names = "--date", paramLabel = "D", required = true, description = "The day (YYYY-MM-DD)")
        LocalDate date;

        @Override
        public Integer call() {
            Optional<Database> db =
                    InventoryCommands.open(options, System.getenv(), parent.root, "ssmd data gaps", System.err);
            if (db.isPresent()) {
                try (Database d = db.get()) {
                    return InventoryCommands.gaps(Metadata.of(d), feed, date, options.json, System.out, System.err);
                }
            }
            return gaps(parent.root, feed, date, System.out, System.err);
        }

        static int gaps(Path root, String feed, LocalDate date, PrintStream out, PrintStream err) {
            List<ArchiveInventory.StreamGap> gaps;
            try {
                gaps = ArchiveInventory.gaps(root, feed, date);
            } catch (IOException e) {
                err.println("ssmd data gaps: " + e.getMessage());
                return 1;
            }
            if (gaps.isEmpty()) {
                out.println("no gaps recorded for " + feed + " on " + date);
                return 0;
            }
            out.printf(
                    "%-24s  %-15s  %-21s  %-27s  %-27s  %-14s  %s%n",
                    "stream", "type", "seqs", "start", "end", "shard", "reason");
            for (ArchiveInventory.StreamGap sg : gaps) {
                Gap g = sg.gap();
                out.printf(
                        "%-24s  %-15s  %-21s  %-27s  %-27s  %-14s  %s%n",
                        sg.stream(),
                        g.type(),
                        seqs(g),
                        time(g.start()),
                        g.open() ? "open" : time(g.end()),
                        g.shard() == null ? "-" : g.shard(),
                        (g.reason() == null ? "" : g.reason())
                                + (g.instruments() == null ? "" : " " + g.instruments()));
            }
            return 0;
        }

        private static String seqs(Gap g) {
            if (g.fromSeq() == null) {
                return "-";
            }
            if (g.toSeq() == null) {
                return g.fromSeq() + "..";
            }
            return g.fromSeq().equals(g.toSeq()) ? g.fromSeq().toString() : g.fromSeq() + ".." + g.toSeq();
        }

        private static String time(Long micros) {
            return micros == null
                    ? "-"
                    : Instant.ofEpochSecond(0, micros * 1000).toString();
        }
    }
}
