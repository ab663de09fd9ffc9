package io.ssmd.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.LoggerFactory;

/**
 * {@code manifest.json} of one date directory (DESIGN §6): what files it holds, what is missing and why.
 *
 * @param tickers      instrument tokens seen that day
 * @param messageTypes message types seen that day
 * @param hasGaps      whether {@code gaps} is non-empty
 * @param shards       what each shard last said as of the last file committed here (carried from day to day), so a
 *                     new connection epoch after a crash is a gap even across a restart of the archiver
 * @param streamCreated when the stream these files were read from was created (epoch µs, as JetStream reports it), or
 *                     null when unknown (a manifest of an older ssmd): a stream found at startup with another
 *                     creation time was deleted and recreated while the archiver was down, a {@code stream_reset}
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
    "has_gaps",
    "shards",
    "stream_created"
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
        boolean hasGaps,
        List<ShardMark> shards,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long streamCreated) {

    public Manifest {
        shards = shards == null
                ? List.of()
                : shards.stream().sorted(Comparator.comparing(ShardMark::shard)).toList();
        files = files == null
                ? List.of()
                : files.stream().sorted(Comparator.comparing(FileEntry::name)).toList();
        gaps = gaps == null ? List.of() : List.copyOf(gaps);
        tickers = tickers == null ? List.of() : List.copyOf(new TreeSet<>(tickers));
        messageTypes = messageTypes == null ? List.of() : List.copyOf(new TreeSet<>(messageTypes));
        hasGaps = !gaps.isEmpty();
    }

    /** A manifest that knows no shard marks (written before they existed). */
    public Manifest(
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
        this(env, feed, stream, date, format, rotation, files, gaps, tickers, messageTypes, hasGaps, List.of(), null);
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
        for (Gap gap : newGaps) {
            if (gap.inverted()) {
                // A bug upstream (events counted twice, a position read wrong): recorded, it would pass for a hole
                // that ends before it starts. Said loudly, and the file's other gaps and its records still count.
                LoggerFactory.getLogger(Manifest.class)
                        .error(
                                "{}/{}: gap {} of {} ends at seq {} before it starts at seq {}: not recorded ({})",
                                stream,
                                date,
                                gap.type(),
                                entry.name(),
                                gap.toSeq(),
                                gap.fromSeq(),
                                gap);
            } else {
                nextGaps.add(gap);
            }
        }
        nextGaps.sort(Comparator.comparing((Gap g) -> g.fromSeq() == null ? 0 : g.fromSeq()));
        TreeSet<String> t = new TreeSet<>(tickers);
        t.addAll(newTickers);
        TreeSet<String> m = new TreeSet<>(messageTypes);
        m.addAll(newTypes);
        return new Manifest(
                env,
                feed,
                stream,
                date,
                format,
                rotation,
                nextFiles,
                nextGaps,
                List.copyOf(t),
                List.copyOf(m),
                false,
                shards,
                streamCreated);
    }

    /** This manifest with one file's upload flag set. */
    public Manifest withUploaded(String name, boolean uploaded) {
        return file(name).map(f -> withEntry(f.withUploaded(uploaded))).orElse(this);
    }

    /** This manifest with {@code entry} in place of the entry of the same name, gaps and all else kept. */
    public Manifest withEntry(FileEntry entry) {
        List<FileEntry> next = files.stream()
                .map(f -> f.name().equals(entry.name()) ? entry : f)
                .toList();
        return new Manifest(
                env,
                feed,
                stream,
                date,
                format,
                rotation,
                next,
                gaps,
                tickers,
                messageTypes,
                false,
                shards,
                streamCreated);
    }

    /**
     * What the bucket may be told: this manifest with the files verified in the bucket only (and the gaps of those),
     * so an uploaded manifest never describes an object that is not there yet.
     */
    public Manifest uploadedOnly() {
        return retainFiles(files.stream().filter(FileEntry::uploaded).toList());
    }

    /** This manifest without its gaps. */
    public Manifest withoutGaps() {
        return new Manifest(
                env,
                feed,
                stream,
                date,
                format,
                rotation,
                files,
                List.of(),
                tickers,
                messageTypes,
                false,
                shards,
                streamCreated);
    }

    /** This manifest with the files of {@code keep} only, and gaps of dropped files dropped too. */
    public Manifest retainFiles(List<FileEntry> keep) {
        List<String> names = keep.stream().map(FileEntry::name).toList();
        List<Gap> kept = gaps.stream()
                .filter(g -> g.file() == null || names.contains(g.file()))
                .toList();
        return new Manifest(
                env,
                feed,
                stream,
                date,
                format,
                rotation,
                keep,
                kept,
                tickers,
                messageTypes,
                false,
                shards,
                streamCreated);
    }

    /** This manifest with every shard's mark as of its last committed file. */
    public Manifest withShards(List<ShardMark> marks) {
        return new Manifest(
                env,
                feed,
                stream,
                date,
                format,
                rotation,
                files,
                gaps,
                tickers,
                messageTypes,
                false,
                marks,
                streamCreated);
    }

    /** This manifest recording the creation time (epoch µs) of the stream its files were read from; 0 when unknown. */
    public Manifest withStreamCreated(long created) {
        return new Manifest(
                env,
                feed,
                stream,
                date,
                format,
                rotation,
                files,
                gaps,
                tickers,
                messageTypes,
                false,
                shards,
                created == 0 ? streamCreated : Long.valueOf(created));
    }

    /** The time of the last message in this directory's files, µs, or 0. */
    public long lastTs() {
        return files.stream().mapToLong(FileEntry::end).max().orElse(0);
    }

    /**
     * The gaps of shards that went silent without a {@code disconnected} and have not come back (DESIGN §4): silent
     * for {@link ShardMark#SILENT_AFTER} before the directory's last message, or, when this is the stream's newest
     * directory, before {@code nowMicros} less a rotation window (the newest file commits only when the next window
     * begins, so its marks may be that old for a live shard). Shown with no end.
     */
    public List<Gap> openGaps(boolean newest, long nowMicros) {
        long reference = lastTs();
        if (newest) {
            reference = Math.max(reference, nowMicros - rotationMicros());
        }
        long at = reference;
        return shards.stream().flatMap(m -> m.openGap(at).stream()).toList();
    }

    private long rotationMicros() {
        try {
            return java.time.Duration.parse("PT" + rotation.toUpperCase(java.util.Locale.ROOT))
                            .toNanos()
                    / 1000;
        } catch (RuntimeException e) {
            return java.time.Duration.ofDays(1).toNanos() / 1000;
        }
    }
}
