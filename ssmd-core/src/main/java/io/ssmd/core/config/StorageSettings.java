package io.ssmd.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how archivers write files (DESIGN §6).
 *
 * @param archiveRoot the local archive root, relative to the working directory unless absolute
 * @param format      the file compression
 * @param rotation    one file per window of this length: whole minutes that divide a day, so windows align in UTC
 * @param upload      where committed files are copied, if anywhere
 */
public record StorageSettings(Path archiveRoot, Format format, Duration rotation, Optional<UploadSettings> upload) {

    public StorageSettings {
        Objects.requireNonNull(archiveRoot, "archiveRoot");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(rotation, "rotation");
        Objects.requireNonNull(upload, "upload");
    }

    /** Local files only. */
    public StorageSettings(Path archiveRoot, Format format, Duration rotation) {
        this(archiveRoot, format, rotation, Optional.empty());
    }

    /** The same with another root, format and rotation: an archiver's own overrides. */
    public StorageSettings with(Path root, Format newFormat, Duration newRotation) {
        return new StorageSettings(root, newFormat, newRotation, upload);
    }

    public enum Format {
        GZIP("gzip", ".jsonl.gz"),
        ZSTD("zstd", ".jsonl.zst");

        private final String id;
        private final String extension;

        Format(String id, String extension) {
            this.id = id;
            this.extension = extension;
        }

        /** The name used in YAML. */
        public String id() {
            return id;
        }

        /** The file name suffix, including the leading dot. */
        public String extension() {
            return extension;
        }

        /** The format of that YAML name. */
        public static Format of(String id) {
            for (Format format : values()) {
                if (format.id.equals(id)) {
                    return format;
                }
            }
            throw new IllegalArgumentException("unknown archive format '" + id + "'; expected gzip or zstd");
        }

        /** The format whose extension ends {@code fileName}, if any. */
        public static Optional<Format> ofFile(String fileName) {
            for (Format format : values()) {
                if (fileName.endsWith(format.extension)) {
                    return Optional.of(format);
                }
            }
            return Optional.empty();
        }
    }
}
