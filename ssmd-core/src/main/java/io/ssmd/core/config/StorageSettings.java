package io.ssmd.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how archivers write files (DESIGN §6).
 *
 * @param archiveRoot the local archive root, relative to the working directory unless absolute
 * @param format      the file compression
 * @param rotation    one file per window of this length: whole minutes that divide a day, so windows align in UTC
 */
public record StorageSettings(Path archiveRoot, Format format, Duration rotation) {

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
    }
}
