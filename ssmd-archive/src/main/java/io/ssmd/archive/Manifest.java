package io.ssmd.archive;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * {@code manifest.json} of one date directory (DESIGN §6): what files it holds, what is missing and why.
 *
 * @param tickers      instrument tokens seen that day
 * @param messageTypes message types seen that day
 * @param hasGaps      whether {@code gaps} is non-empty
 */
@JsonPropertyOrder({
    "env",
    "feed",
    "stream",
    "date",
    "format",
    "rotation",
    "files",
    "gaps",
    "tickers",
    "message_types",
    "has_gaps"
})
public record Manifest(
        String env,
        String feed,
        String stream,
        String date,
        String format,
        String rotation,
        List<FileEntry> files,
        List<Gap> gaps,
        List<String> tickers,
        List<String> messageTypes,
        boolean hasGaps) {

    public Manifest {
        files = files == null
                ? List.of()
                : files.stream().sorted(Comparator.comparing(FileEntry::name)).toList();
        gaps = gaps == null ? List.of() : List.copyOf(gaps);
        tickers = tickers == null ? List.of() : List.copyOf(new TreeSet<>(tickers));
        messageTypes = messageTypes == null ? List.of() : List.copyOf(new TreeSet<>(messageTypes));
        hasGaps = !gaps.isEmpty();
    }

    /** An empty manifest. */
    public static Manifest empty(String env, String feed, String stream, String date, String format, String rotation) {
        return new Manifest(
                env, feed, stream, date, format, rotation, List.of(), List.of(), List.of(), List.of(), false);
    }

    /** The entry of a file. */
    public Optional<FileEntry> file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The last sequence committed in this directory, or 0. */
    public long lastSeq() {
        return files.stream().mapToLong(FileEntry::lastSeq).max().orElse(0);
    }

    /** Records in every file. */
    public long records() {
        return files.stream().mapToLong(FileEntry::records).sum();
    }

    /** Bytes of every file. */
    public long bytes() {
        return files.stream().mapToLong(FileEntry::bytes).sum();
    }

    /**
     * This manifest with {@code entry} added or replacing the entry of the same name, its gaps (those of a replaced
     * entry are dropped first: a rewritten file carries them again) and what it saw.
     */
    public Manifest withFile(
            FileEntry entry, List<Gap> newGaps, SortedSet<String> newTickers, SortedSet<String> newTypes) {
        List<FileEntry> nextFiles = new ArrayList<>(
                files.stream().filter(f -> !f.name().equals(entry.name())).toList());
        nextFiles.add(entry);
        List<Gap> nextGaps = new ArrayList<>(
                gaps.stream().filter(g -> !entry.name().equals(g.file())).toList());
        nextGaps.addAll(newGaps);
        nextGaps.sort(Comparator.comparing((Gap g) -> g.fromSeq() == null ? 0 : g.fromSeq()));
        TreeSet<String> t = new TreeSet<>(tickers);
        t.addAll(newTickers);
        TreeSet<String> m = new TreeSet<>(messageTypes);
        m.addAll(newTypes);
        return new Manifest(
                env, feed, stream, date, format, rotation, nextFiles, nextGaps, List.copyOf(t), List.copyOf(m), false);
    }

    /** This manifest with one file's upload flag set. */
    public Manifest withUploaded(String name, boolean uploaded) {
        List<FileEntry> next = files.stream()
                .map(f -> f.name().equals(name) ? f.withUploaded(uploaded) : f)
                .toList();
        return new Manifest(env, feed, stream, date, format, rotation, next, gaps, tickers, messageTypes, false);
    }

    /** This manifest without its gaps. */
    public Manifest withoutGaps() {
        return new Manifest(env, feed, stream, date, format, rotation, files, List.of(), tickers, messageTypes, false);
    }

    /** This manifest with the files of {@code keep} only, and gaps of dropped files dropped too. */
    public Manifest retainFiles(List<FileEntry> keep) {
        List<String> names = keep.stream().map(FileEntry::name).toList();
        List<Gap> kept = gaps.stream()
                .filter(g -> g.file() == null || names.contains(g.file()))
                .toList();
        return new Manifest(env, feed, stream, date, format, rotation, keep, kept, tickers, messageTypes, false);
    }
}
