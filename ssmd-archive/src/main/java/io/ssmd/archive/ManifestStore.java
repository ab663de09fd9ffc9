package io.ssmd.archive;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Reads and writes the {@code manifest.json} files of a stream directory. The writer, the uploader and the manifest
 * rebuild all change them, so they take turns on one lock per stream directory: every read, every write and every
 * read-modify-write ({@link #update}, {@link #locked}) of a stream's manifests holds it, whichever
 * {@code ManifestStore} instance (or static {@link #read}) is used. Every write is atomic (temporary file, fsync,
 * rename, directory fsync): a reader without the lock sees the old manifest or the new one, never half of one.
 */
public final class ManifestStore {

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    // One lock per stream directory (the parent of the date directories), for every store in this JVM.
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    // Files a writer is reopening or an uploader is uploading: the other keeps off them (see claim).
    private static final java.util.Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

    /** Work on a stream's manifests that must not interleave with another's. */
    @FunctionalInterface
    public interface LockedWork<T> {
        T run() throws IOException;
    }

    /** The lock of the stream directory holding {@code dateDir}. */
    static Object lockOf(Path dateDir) {
        Path absolute = dateDir.toAbsolutePath().normalize();
        Path streamDir = absolute.getParent() == null ? absolute : absolute.getParent();
        return LOCKS.computeIfAbsent(streamDir, k -> new Object());
    }

    /**
     * Claims a committed file for a writer that reopens it or an uploader that uploads it; false when the other holds
     * it. A reopened file is replaced by other bytes: uploading the old ones meanwhile would leave an object that the
     * new file can never replace (a verified object is never overwritten).
     */
    public static boolean claim(Path file) {
        return CLAIMED.add(file.toAbsolutePath().normalize());
    }

    /** Releases a {@link #claim}. */
    public static void release(Path file) {
        CLAIMED.remove(file.toAbsolutePath().normalize());
    }

    /** Reads the manifest of a date directory, if it has one. */
    public static Optional<Manifest> read(Path dateDir) throws IOException {
        synchronized (lockOf(dateDir)) {
            Path file = dateDir.resolve(ArchiveLayout.MANIFEST);
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            try {
                return Optional.of(JSON.readValue(file.toFile(), Manifest.class));
            } catch (IOException e) {
                throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes a date directory's manifest atomically. */
    public void write(Path dateDir, Manifest manifest) throws IOException {
        synchronized (lockOf(dateDir)) {
            Durable.writeAtomically(dateDir.resolve(ArchiveLayout.MANIFEST), JSON.writeValueAsBytes(manifest));
        }
    }

    /** Runs {@code work} (reads and writes of {@code dateDir}'s stream's manifests) holding the stream's lock. */
    public <T> T locked(Path dateDir, LockedWork<T> work) throws IOException {
        synchronized (lockOf(dateDir)) {
            return work.run();
        }
    }

    /**
     * Applies {@code change} to the current manifest of {@code dateDir} (or {@code initial} when there is none) and
     * writes the result.
     */
    public Manifest update(Path dateDir, Manifest initial, UnaryOperator<Manifest> change) throws IOException {
        synchronized (lockOf(dateDir)) {
            Manifest next = change.apply(read(dateDir).orElse(initial));
            write(dateDir, next);
            return next;
        }
    }

    /** Applies {@code change} to the manifest of {@code dateDir}, which must exist, and writes the result. */
    public Manifest updateExisting(Path dateDir, UnaryOperator<Manifest> change) throws IOException {
        synchronized (lockOf(dateDir)) {
            Manifest current = read(dateDir).orElseThrow(() -> new IOException(dateDir + " has no manifest"));
            Manifest next = change.apply(current);
            write(dateDir, next);
            return next;
        }
    }
}
