package io.ssmd.archive;

import io.ssmd.core.config.StorageSettings;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A segment being written: {@code {HHMM}.jsonl.gz.tmp} next to its final name. Nothing in it belongs to the archive
 * until {@link #commit()} has synced it and renamed it; a crash leaves only the {@code .tmp}, which the next start
 * deletes and rewrites from the stream.
 *
 * <p>Reopening a window whose file is already committed copies that file's bytes first and appends a new gzip member
 * (or zstd frame): readers decode the concatenation as one stream, and the committed file stays untouched until the
 * new one replaces it by rename.
 */
final class SegmentFile {

    /** What a commit leaves on disk. */
    record Committed(Path file, long bytes, String md5) {}

    private final Path tmp;
    private final Path target;
    private final DigestStream digest;
    private final OutputStream out;
    private boolean closed;

    private SegmentFile(Path tmp, Path target, DigestStream digest, OutputStream out) {
        this.tmp = tmp;
        this.target = target;
        this.digest = digest;
        this.out = out;
    }

    /**
     * Starts {@code dateDir/name}; when {@code existing} is given (the committed file of the same window), its bytes
     * come first.
     */
    static SegmentFile open(Path dateDir, String name, StorageSettings.Format format, Optional<Path> existing)
            throws IOException {
        Files.createDirectories(dateDir);
        Path target = dateDir.resolve(name);
        Path tmp = dateDir.resolve(name + ArchiveLayout.TMP);
        OutputStream file = Files.newOutputStream(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        DigestStream digest = new DigestStream(new BufferedOutputStream(file, 64 * 1024));
        try {
            if (existing.isPresent()) {
                Files.copy(existing.get(), digest);
            }
            return new SegmentFile(tmp, target, digest, Compression.compress(format, digest));
        } catch (IOException | RuntimeException e) {
            digest.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    void append(byte[] line) throws IOException {
        out.write(line);
    }

    /**
     * Writes what was appended so far through to the {@code .tmp} and syncs it, without finishing the compression
     * (the gzip member or zstd frame is left at a flush point): the lines are on disk. The segment still belongs to the
     * archive only once committed.
     */
    void sync() throws IOException {
        out.flush();
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    String name() {
        return target.getFileName().toString();
    }

    /** Finishes the compression, syncs the file, renames it to its final name and syncs the directory. */
    Committed commit() throws IOException {
        closed = true;
        out.close();
        // fsync applies to the file, not to the descriptor: a fresh channel flushes what the stream wrote.
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Durable.publish(tmp, target);
        return new Committed(target, digest.count, HexFormat.of().formatHex(digest.md5.digest()));
    }

    /** Drops the segment: its messages are not archived and will be read from the stream again. */
    void abort() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            // The file is being thrown away; a failure to close it changes nothing.
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // The next start deletes leftover .tmp files.
        }
    }

    /** Counts and digests the bytes that reach the file. */
    private static final class DigestStream extends FilterOutputStream {
        private final MessageDigest md5;
        private long count;

        DigestStream(OutputStream out) {
            super(out);
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has MD5", e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            md5.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            md5.update(b, off, len);
            count += len;
        }
    }
}
