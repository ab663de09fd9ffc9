package io.ssmd.archive;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Whether the archivers of this node can write their directories: a stream whose storage failed (a full disk, an
 * unwritable directory) stops consuming until it can write again, and says so here, in {@code /v1/health} and in
 * {@code ssmd_archiver_storage_ok}. Thread-safe.
 */
public final class ArchiveStorage {

    /** The free space of a filesystem. */
    record Space(long usable, long total) {
        String describe() {
            return size(usable) + " free of " + size(total);
        }
    }

    /** Writing stopped because the filesystem is (nearly) full: the space left is below the configured minimum. */
    static class NoSpaceException extends IOException {
        NoSpaceException(String message) {
            super(message);
        }
    }

    private final ConcurrentMap<String, String> failing = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Boolean> streams = new ConcurrentHashMap<>();

    /** The streams that cannot write now, each with what went wrong; empty when every stream writes. */
    public Map<String, String> failing() {
        return new TreeMap<>(failing);
    }

    /** How many streams this node archives (or tried to). */
    public int streams() {
        return streams.size();
    }

    void running(String stream) {
        streams.put(stream, Boolean.TRUE);
    }

    /** Records a failure; true when the stream was writing before or failed for another reason (worth an ERROR). */
    boolean failed(String stream, String cause, String detail) {
        streams.put(stream, Boolean.TRUE);
        String before = failing.put(stream, detail);
        return before == null || !before.contains(cause);
    }

    /** Records that the stream writes again; true when it had failed. */
    boolean recovered(String stream) {
        return failing.remove(stream) != null;
    }

    /** The free space of the filesystem that holds {@code dir} (or, while it does not exist, its nearest parent). */
    static Optional<Space> space(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return Optional.empty();
        }
        try {
            FileStore store = Files.getFileStore(p);
            return Optional.of(new Space(store.getUsableSpace(), store.getTotalSpace()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Fails when the filesystem of {@code dir} has less than {@code minFree} bytes usable. */
    static void requireFree(Path dir, long minFree, long atLeast) throws NoSpaceException {
        Optional<Space> space = space(dir);
        long needed = Math.max(minFree, atLeast);
        if (space.isPresent() && space.get().usable() < needed) {
            throw new NoSpaceException("only " + space.get().describe() + " on the filesystem of " + dir
                    + ", below the " + size(needed) + " the archiver waits for (ssmd.archive.min-free-space "
                    + size(minFree) + (needed > minFree ? ", more than it had when writing failed" : "") + ")");
        }
    }

    /** Whether a failure means the disk is full: the archiver then waits for space instead of retrying at once. */
    static boolean isNoSpace(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof NoSpaceException
                    || message.contains("No space left on device")
                    || message.contains("Disk quota exceeded")) {
                return true;
            }
        }
        return false;
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
