package io.ssmd.archive;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads and writes the {@code manifest.json} files of one stream directory. The writer and the uploader both change
 * them, so every change is a read-modify-write under this store's lock, and every write is atomic (temporary file,
 * fsync, rename, directory fsync): a reader sees the old manifest or the new one, never half of one.
 */
public final class ManifestStore {

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Object lock = new Object();

    /** Reads the manifest of a date directory, if it has one. */
    public static Optional<Manifest> read(Path dateDir) throws IOException {
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

    /** Writes a date directory's manifest atomically. */
    public void write(Path dateDir, Manifest manifest) throws IOException {
        synchronized (lock) {
            Durable.writeAtomically(dateDir.resolve(ArchiveLayout.MANIFEST), JSON.writeValueAsBytes(manifest));
        }
    }

    /**
     * Applies {@code change} to the current manifest of {@code dateDir} (or {@code initial} when there is none) and
     * writes the result.
     */
    public Manifest update(Path dateDir, Manifest initial, UnaryOperator<Manifest> change) throws IOException {
        synchronized (lock) {
            Manifest next = change.apply(read(dateDir).orElse(initial));
            write(dateDir, next);
            return next;
        }
    }

    /** Applies {@code change} to the manifest of {@code dateDir}, which must exist, and writes the result. */
    public Manifest updateExisting(Path dateDir, UnaryOperator<Manifest> change) throws IOException {
        synchronized (lock) {
            Manifest current = read(dateDir).orElseThrow(() -> new IOException(dateDir + " has no manifest"));
            Manifest next = change.apply(current);
            write(dateDir, next);
            return next;
        }
    }
}
