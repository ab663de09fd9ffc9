package io.ssmd.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The archived days of one feed in a date range, as the data-out commands read them (DESIGN §16): per stream, its days
 * in date order, each with the committed files its manifest lists in stream order and the gaps it records. Only
 * files a manifest lists are read (a file on disk without a manifest entry is not committed). A remote archive is
 * first mirrored into a local cache ({@link RemoteArchive#mirror}), then selected from there like a local one.
 *
 * @param env     the environment the feed was archived under
 * @param feed    the feed
 * @param streams the feed's streams that hold a day of the range, by name
 */
public record ArchiveSelection(String env, String feed, List<StreamDays> streams) {

    /**
     * One stream's days of the range.
     *
     * @param stream the JetStream stream name
     * @param days   its days with a manifest, oldest first
     */
    public record StreamDays(String stream, List<Day> days) {}

    /**
     * One archived day of a stream.
     *
     * @param date     the UTC date
     * @param dir      the date directory
     * @param manifest its manifest
     * @param files    the committed files the manifest lists, in stream order (by first sequence), that are on disk
     * @param missing  files the manifest lists that are not on disk (uploaded and deleted locally, not fetched)
     * @param gaps     the gaps it records, open ones of a silent shard included when it is the stream's newest day
     */
    public record Day(
            LocalDate date, Path dir, Manifest manifest, List<Path> files, List<String> missing, List<Gap> gaps) {}

    /** Every file of the selection, stream by stream, day by day, in stream order. */
    public List<Path> files() {
        return streams.stream()
                .flatMap(s -> s.days().stream())
                .flatMap(d -> d.files().stream())
                .toList();
    }

    /** Every day of the selection. */
    public List<Day> days() {
        return streams.stream().flatMap(s -> s.days().stream()).toList();
    }

    /** Lines the selection's manifests list (committed records, missing files included). */
    public long records() {
        return days().stream().mapToLong(d -> d.manifest().records()).sum();
    }

    /** Whether no day of the range has a manifest. */
    public boolean isEmpty() {
        return streams.isEmpty();
    }

    /**
     * The archived days of {@code feed} under {@code root} from {@code from} to {@code to} inclusive.
     *
     * @param env the environment; when empty, the one environment that archived the feed
     * @throws IOException              when the archive cannot be read
     * @throws IllegalArgumentException when {@code env} is empty and several environments archived the feed (the
     *                                  message names them), or {@code to} is before {@code from}
     */
    public static ArchiveSelection select(Path root, Optional<String> env, String feed, LocalDate from, LocalDate to)
            throws IOException {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("the range ends (" + to + ") before it starts (" + from + ")");
        }
        String envName = env.orElseGet(() -> onlyEnvironment(root, feed));
        Path feedDir = root.resolve(envName).resolve(feed);
        List<StreamDays> streams = new ArrayList<>();
        for (Path streamDir : children(feedDir)) {
            List<Path> dateDirs = ManifestRebuild.dateDirs(streamDir);
            List<Day> days = new ArrayList<>();
            for (int i = 0; i < dateDirs.size(); i++) {
                Path dateDir = dateDirs.get(i);
                LocalDate date = LocalDate.parse(dateDir.getFileName().toString());
                if (date.isBefore(from) || date.isAfter(to)) {
                    continue;
                }
                Optional<Manifest> m = ManifestStore.read(dateDir);
                if (m.isEmpty()) {
                    continue;
                }
                days.add(day(date, dateDir, m.get(), i == dateDirs.size() - 1));
            }
            if (!days.isEmpty()) {
                streams.add(new StreamDays(streamDir.getFileName().toString(), List.copyOf(days)));
            }
        }
        return new ArchiveSelection(envName, feed, List.copyOf(streams));
    }

    /**
     * The environments under {@code root} that archived {@code feed}, by name.
     *
     * @throws IOException when the root cannot be listed
     */
    public static List<String> environments(Path root, String feed) throws IOException {
        List<String> envs = new ArrayList<>();
        for (Path envDir : children(root)) {
            if (Files.isDirectory(envDir.resolve(feed))) {
                envs.add(envDir.getFileName().toString());
            }
        }
        return envs;
    }

    private static String onlyEnvironment(Path root, String feed) {
        List<String> envs;
        try {
            envs = environments(root, feed);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (envs.size() > 1) {
            throw new IllegalArgumentException("feed " + feed + " is archived under several environments ("
                    + String.join(", ", envs) + "): name one");
        }
        return envs.isEmpty() ? "" : envs.get(0);
    }

    private static Day day(LocalDate date, Path dateDir, Manifest m, boolean newest) {
        List<Path> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        m.files().stream().sorted(Comparator.comparingLong(FileEntry::firstSeq)).forEach(f -> {
            Path file = dateDir.resolve(f.name());
            if (Files.isRegularFile(file)) {
                files.add(file);
            } else {
                missing.add(f.name());
            }
        });
        return new Day(
                date,
                dateDir,
                m,
                List.copyOf(files),
                List.copyOf(missing),
                List.copyOf(ArchiveInventory.gapsOf(m, newest, nowMicros())));
    }

    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory)
                    .sorted()
                    .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        }
    }

    /** The feed names under any environment of {@code root}, for "Did you mean". */
    public static TreeSet<String> feeds(Path root) throws IOException {
        TreeSet<String> feeds = new TreeSet<>();
        for (Path envDir : children(root)) {
            children(envDir).forEach(f -> feeds.add(f.getFileName().toString()));
        }
        return feeds;
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
