package io.ssmd.archive;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.ssmd.core.config.StorageSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The archive's two compressions. Both decode concatenated members (gzip) or frames (zstd) as one stream, which is
 * what lets a reopened window append a new member to its committed file instead of recompressing it.
 */
public final class Compression {

    private static final int BUFFER = 64 * 1024;
    private static final int ZSTD_LEVEL = 3;

    private Compression() {}

    /** A compressing stream over {@code out}; closing it finishes the member or frame and closes {@code out}. */
    public static OutputStream compress(StorageSettings.Format format, OutputStream out) throws IOException {
        return switch (format) {
            case GZIP -> new GZIPOutputStream(out, BUFFER, true);
            case ZSTD -> new ZstdOutputStream(out, ZSTD_LEVEL);
        };
    }

    /** A decompressing stream over {@code in}, reading every member or frame. */
    public static InputStream decompress(StorageSettings.Format format, InputStream in) throws IOException {
        return switch (format) {
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new ZstdInputStream(in).setContinuous(false);
        };
    }
}
