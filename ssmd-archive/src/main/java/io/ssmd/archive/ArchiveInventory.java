package io.ssmd.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an archive root holds, from its manifests only ({@code ssmd data inventory}, {@code ssmd data gaps}): one row
 * per stream and day.
 */
public final class ArchiveInventory {

    /**
     * One stream's day.
     *
     * @param status {@code complete} or {@code gaps}, then {@code local}, {@code uploaded} or
     *               {@code uploading n/m}
     */
    public record Day(
            LocalDate date,
            String env,
            String feed,
            String stream,
            int files,
            long records,
            long bytes,
            int gaps,
            String status,
            Path dir) {}

    private ArchiveInventory() {}

    /**
     * Every stream-day under {@code root} ({@code {root}/{env}/{feed}/{stream}/{date}}) of {@code feed} (any when
     * empty) from {@code from} to {@code to} inclusive (open when empty), by date then feed then stream.
     */
    public static List<Day> days(Path root, Optional<String> feed, Optional<LocalDate> from, Optional<LocalDate> to)
            throws IOException {
        List<Day> days = new ArrayList<>();
        List<Path> dirs = dateDirs(root);
        for (int i = 0; i < dirs.size(); i++) {
            Path dateDir = dirs.get(i);
            LocalDate date = LocalDate.parse(dateDir.getFileName().toString());
            Path streamDir = dateDir.getParent();
            String feedName = streamDir.getParent().getFileName().toString();
            if (feed.filter(f -> !f.equals(feedName)).isPresent()
                    || from.filter(date::isBefore).isPresent()
                    || to.filter(date::isAfter).isPresent()) {
                continue;
            }
            Optional<Manifest> read = ManifestStore.read(dateDir);
            if (read.isEmpty()) {
                continue;
            }
            Manifest m = read.get();
            long uploaded = m.files().stream().filter(FileEntry::uploaded).count();
            String upload = uploaded == 0
                    ? "local"
                    : uploaded == m.files().size()
                            ? "uploaded"
                            : "uploading " + uploaded + "/" + m.files().size();
            days.add(new Day(
                    date,
                    streamDir.getParent().getParent().getFileName().toString(),
                    feedName,
                    streamDir.getFileName().toString(),
                    m.files().size(),
                    m.records(),
                    m.bytes(),
                    gapsOf(m, newest(dirs, i), nowMicros()).size(),
                    (gapsOf(m, newest(dirs, i), nowMicros()).isEmpty() ? "complete" : "gaps") + ", " + upload,
                    dateDir));
        }
        days.sort(java.util.Comparator.comparing(Day::date)
                .thenComparing(Day::feed)
                .thenComparing(Day::stream));
        return days;
    }

    /** The gaps of {@code feed} on {@code date}, every stream of it, each with its stream. */
    public static List<StreamGap> gaps(Path root, String feed, LocalDate date) throws IOException {
        List<StreamGap> gaps = new ArrayList<>();
        for (Day day : days(root, Optional.of(feed), Optional.of(date), Optional.of(date))) {
            Optional<Manifest> m = ManifestStore.read(day.dir());
            if (m.isPresent()) {
                boolean newest = newest(dateDirs(root), dateDirs(root).indexOf(day.dir()));
                gapsOf(m.get(), newest, nowMicros()).forEach(g -> gaps.add(new StreamGap(day.stream(), g)));
            }
        }
        return gaps;
    }

    /**
     * The gaps a manifest records and, after them, the open ones of shards that went silent without a
     * {@code disconnected} and have not come back ({@link Manifest#openGaps}).
     *
     * @param newest whether {@code m} is its stream's newest date directory
     */
    public static List<Gap> gapsOf(Manifest m, boolean newest, long nowMicros) {
        List<Gap> all = new ArrayList<>(m.gaps());
        all.addAll(m.openGaps(newest, nowMicros));
        return all;
    }

    /** Whether the date directory at {@code i} of the sorted {@code dirs} is the last of its stream. */
    public static boolean newest(List<Path> dirs, int i) {
        return i == dirs.size() - 1
                || !dirs.get(i + 1).getParent().equals(dirs.get(i).getParent());
    }

    /** The date directories under {@code root}, sorted, so that a stream's newest comes last among its own. */
    public static List<Path> dateDirsOf(Path root) throws IOException {
        return dateDirs(root);
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** A gap and the stream it is in. */
    public record StreamGap(String stream, Gap gap) {}

    /** {@code {root}/*}{@code /*}{@code /*}{@code /{date}} directories, depth 4. */
    private static List<Path> dateDirs(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is not a directory");
        }
        try (Stream<Path> paths = Files.find(
                root,
                4,
                (p, a) -> a.isDirectory()
                        && root.relativize(p).getNameCount() == 4
                        && ArchiveLayout.isDateDir(p.getFileName().toString()))) {
            return paths.sorted().toList();
        }
    }
}
