package io.ssmd.archive;

import io.ssmd.core.config.StorageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where archive files live (DESIGN §6): {@code {root}/{env}/{feed}/{stream}/{YYYY-MM-DD}/{HHMM}.jsonl.gz}, one file
 * per rotation window, windows in UTC by receive time.
 */
public final class ArchiveLayout {

    /** The manifest's name in every date directory. */
    public static final String MANIFEST = "manifest.json";

    /** The suffix of a file being written; such a file is never part of the archive. */
    public static final String TMP = ".tmp";

    private static final Pattern SEGMENT = Pattern.compile("(\\d{2})(\\d{2})\\.jsonl\\.(gz|zst)");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private ArchiveLayout() {}

    /** {@code {root}/{env}/{feed}/{stream}}. */
    public static Path streamDir(Path root, String env, String feed, String stream) {
        return root.resolve(env).resolve(feed).resolve(stream);
    }

    /** The start of the window holding {@code micros} (epoch µs, UTC). */
    public static long windowStart(long micros, Duration rotation) {
        long length = rotation.toNanos() / 1000;
        return Math.floorDiv(micros, length) * length;
    }

    /** The UTC date of a window. */
    public static LocalDate date(long windowStartMicros) {
        return LocalDate.ofEpochDay(Math.floorDiv(windowStartMicros, MICROS_PER_DAY));
    }

    /** {@code HHMM} plus the format's extension. */
    public static String fileName(long windowStartMicros, StorageSettings.Format format) {
        ZonedDateTime t = Instant.ofEpochSecond(Math.floorDiv(windowStartMicros, 1_000_000))
                .atZone(ZoneOffset.UTC);
        return String.format("%02d%02d%s", t.getHour(), t.getMinute(), format.extension());
    }

    /** The date directory of a window under a stream directory. */
    public static Path dateDir(Path streamDir, long windowStartMicros) {
        return streamDir.resolve(date(windowStartMicros).toString());
    }

    /** Whether a directory name is a date directory ({@code 2026-01-31}). */
    public static boolean isDateDir(String name) {
        return DATE.matcher(name).matches();
    }

    /** Whether a file name is a committed segment ({@code HHMM.jsonl.gz} or {@code .jsonl.zst}). */
    public static boolean isSegment(String name) {
        return SEGMENT.matcher(name).matches();
    }

    /** The window start of a segment file of {@code date}, from its name. */
    public static Optional<Long> windowOf(LocalDate date, String fileName) {
        Matcher m = SEGMENT.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        long minutes = Integer.parseInt(m.group(1)) * 60L + Integer.parseInt(m.group(2));
        return Optional.of(date.toEpochDay() * MICROS_PER_DAY + minutes * 60_000_000L);
    }

    /** The path of {@code file} relative to the archive root, with {@code /}: the object key without prefix. */
    public static String relative(Path root, Path file) {
        return root.toAbsolutePath()
                .normalize()
                .relativize(file.toAbsolutePath().normalize())
                .toString()
                .replace('\\', '/');
    }
}
