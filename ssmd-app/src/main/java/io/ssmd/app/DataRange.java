package io.ssmd.app;

import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.Gap;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.DataInventory;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.UnknownNameException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What every data-out command ({@code ssmd data replay}, {@code export}, {@code query}) does before it starts (DESIGN
 * §16): the feed is checked against the registry, the inventory and the archive ("Did you mean"), the range against
 * the inventory ("No data inventory for kalshi on 2025-12-20 — latest available: 2025-12-14"), the archive's days are
 * selected, and the gaps in the range are listed, so that a user knows what the output will not hold before it is
 * written.
 */
final class DataRange {

    private DataRange() {}

    /** Thrown with a message for the user (exit 1): the range has nothing to read. */
    static final class NothingToRead extends RuntimeException {
        NothingToRead(String message) {
            super(message);
        }
    }

    /**
     * The archived days of {@code feed} from {@code from} to {@code to} under {@code root}, the gaps of the range listed
     * on {@code err}.
     *
     * @param database the metadata database when one is reachable: its registry and inventory are checked first
     * @param env      the environment the feed was archived under; when empty, the only one that did
     * @throws UnknownNameException     when no registry, inventory or archive knows the feed
     * @throws NothingToRead            when the inventory (or, without a database, the archive) has no day of the range
     * @throws IllegalArgumentException when the range is backwards or the environment is ambiguous
     */
    static ArchiveSelection select(
            Path root,
            Optional<Database> database,
            Optional<String> env,
            String feed,
            LocalDate from,
            LocalDate to,
            PrintStream err)
            throws IOException {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before the first date " + from);
        }
        TreeSet<String> known = ArchiveSelection.feeds(root);
        Optional<DataInventory> inventory = database.map(db -> new DataInventory(Metadata.of(db)));
        if (database.isPresent()) {
            known.addAll(new FeedRegistry(Metadata.of(database.get())).names());
            known.addAll(inventory.get().feeds());
        }
        if (!known.contains(feed)) {
            throw new UnknownNameException("feed", feed, known);
        }
        if (inventory.isPresent()) {
            List<DataInventory.Row> rows = inventory
                    .get()
                    .list(new DataInventory.Filter(
                            Optional.of(feed), Optional.of(from), Optional.of(to), Optional.empty(), env));
            if (rows.stream().noneMatch(r -> r.dataType().equals(DataInventory.RAW))) {
                throw new NothingToRead(
                        InventoryCommands.noInventory(inventory.get(), feed, Optional.of(from), Optional.of(to)));
            }
        }
        ArchiveSelection selection = ArchiveSelection.select(root, env, feed, from, to);
        if (selection.isEmpty()) {
            throw new NothingToRead("No archived data for " + feed + range(from, to) + " under " + root
                    + (inventory.isPresent() ? " (the inventory lists it: fetch it from the bucket with --remote)" : "")
                    + " — latest available: " + latest(root, feed));
        }
        for (ArchiveSelection.Day day : selection.days()) {
            if (!day.missing().isEmpty()) {
                err.println(
                        "note: " + day.dir() + ": " + day.missing().size()
                                + " of its files are not on local disk (uploaded, then deleted locally); --remote fetches them");
            }
        }
        listGaps(selection, err);
        return selection;
    }

    /** "gaps in the range: 2" and one line per gap, or "no gaps in the range". */
    static void listGaps(ArchiveSelection selection, PrintStream err) {
        List<Gap> gaps =
                selection.days().stream().flatMap(d -> d.gaps().stream()).toList();
        if (gaps.isEmpty()) {
            err.println("no gaps in the range");
            return;
        }
        err.println("gaps in the range: " + gaps.size() + " (the output does not hold these)");
        TextTable table = TextTable.of("Type", "From", "To", "Shard", "Reason");
        for (Gap g : gaps) {
            table.row(g.type(), time(g.start()), time(g.end()), orDash(g.shard()), orDash(g.reason()));
        }
        table.print(err);
    }

    private static String latest(Path root, String feed) throws IOException {
        return io.ssmd.archive.ArchiveInventory.days(root, Optional.of(feed), Optional.empty(), Optional.empty())
                .stream()
                .map(d -> d.date().toString())
                .reduce((a, b) -> b)
                .orElse("none");
    }

    private static String range(LocalDate from, LocalDate to) {
        return from.equals(to) ? " on " + from : " from " + from + " to " + to;
    }

    private static String time(Long micros) {
        return micros == null
                ? "open"
                : Instant.ofEpochSecond(micros / 1_000_000, micros % 1_000_000 * 1000)
                        .toString();
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
