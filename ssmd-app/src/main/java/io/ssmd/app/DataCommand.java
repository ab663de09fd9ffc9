package io.ssmd.app;

import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.Gap;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssmd data ...}: what the archive holds, from its manifests. */
@Command(
        name = "data",
        description = "What the archive holds, from its manifests.",
        subcommands = {DataCommand.Inventory.class, DataCommand.Gaps.class, DataQualityCommand.class})
final class DataCommand {

    @Option(
            names = "--root",
            paramLabel = "DIR",
            defaultValue = "./data/archive",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The archive root (storage.archive-root; default ${DEFAULT-VALUE})")
    Path root;

    @Command(name = "inventory", description = "One line per stream and day: files, records, bytes, gaps, status.")
    static final class Inventory implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        DataCommand parent;

        @Option(names = "--feed", paramLabel = "F", description = "Only this feed")
        String feed;

        @Option(names = "--from", paramLabel = "D", description = "From this date (YYYY-MM-DD), inclusive")
        LocalDate from;

        @Option(names = "--to", paramLabel = "D", description = "To this date (YYYY-MM-DD), inclusive")
        LocalDate to;

        @Override
        public Integer call() {
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

    @Command(name = "gaps", description = "The gaps of one feed on one day: type, seqs, times (UTC), shard, reason.")
    static final class Gaps implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        DataCommand parent;

        @Option(names = "--feed", paramLabel = "F", required = true, description = "The feed")
        String feed;

        @Option(names = "--date", paramLabel = "D", required = true, description = "The day (YYYY-MM-DD)")
        LocalDate date;

        @Override
        public Integer call() {
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
