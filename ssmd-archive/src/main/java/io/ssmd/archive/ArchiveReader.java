package io.ssmd.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ssmd.core.config.StorageSettings;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads the messages of an archive file back with their frames' bytes (DESIGN §16: replay, export, query), gzip or
 * zstd by the file's name. Where {@link SegmentReader} answers "which sequences and events are in this file" for the
 * archiver, this one hands out the frames themselves, fast: lines are split on bytes and the frame is sliced out of
 * the line, never parsed into a tree.
 */
public final class ArchiveReader {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int BUFFER = 256 * 1024;

    private ArchiveReader() {}

    /** Receives each message in file order; may throw to stop the read (the exception propagates). */
    @FunctionalInterface
    public interface Sink {
        void accept(ArchivedMessage message) throws IOException;
    }

    /**
     * Calls {@code each} for every line of {@code file}, in file order.
     *
     * @throws IOException when the file cannot be read or decompressed, or a line is not an archive line (the file
     *                     and line number in the message)
     */
    public static void read(Path file, Sink each) throws IOException {
        StorageSettings.Format format = StorageSettings.Format.ofFile(
                        file.getFileName().toString())
                .orElseThrow(() -> new IOException(file + " is not a .jsonl.gz or .jsonl.zst file"));
        try (InputStream in =
                Compression.decompress(format, new BufferedInputStream(Files.newInputStream(file), BUFFER))) {
            read(in, file.toString(), each);
        }
    }

    /** The lines of an uncompressed stream; {@code name} says where they come from in errors. */
    public static void read(InputStream in, String name, Sink each) throws IOException {
        Cursor cursor = new Cursor(in, name);
        for (ArchivedMessage m = cursor.next(); m != null; m = cursor.next()) {
            each.accept(m);
        }
    }

    /**
     * Opens {@code file} for reading one message at a time (gzip or zstd by its name), for readers that pull, such as a
     * merge of several streams by receive time. Close it when done.
     *
     * @throws IOException when the file cannot be opened
     */
    public static Cursor open(Path file) throws IOException {
        StorageSettings.Format format = StorageSettings.Format.ofFile(
                        file.getFileName().toString())
                .orElseThrow(() -> new IOException(file + " is not a .jsonl.gz or .jsonl.zst file"));
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            return new Cursor(Compression.decompress(format, raw), file.toString());
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The messages of one archive file (or uncompressed stream), pulled one at a time in file order. */
    public static final class Cursor implements AutoCloseable {
        private final InputStream in;
        private final String name;
        private byte[] buf = new byte[BUFFER];
        private int start;
        private int end;
        private long number;
        private boolean eof;

        Cursor(InputStream in, String name) {
            this.in = in;
            this.name = name;
        }

        /**
         * The next message, or null at the end.
         *
         * @throws IOException when the stream cannot be read or a line is not an archive line (file and line named)
         */
        public ArchivedMessage next() throws IOException {
            while (true) {
                int newline = indexOf(buf, start, end);
                if (newline >= 0) {
                    number++;
                    int from = start;
                    start = newline + 1;
                    if (newline > from) {
                        return parse(buf, from, newline, name, number);
                    }
                    continue;
                }
                if (eof) {
                    if (end > start) {
                        number++;
                        int from = start;
                        start = end;
                        return parse(buf, from, end, name, number);
                    }
                    return null;
                }
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (end == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, end, buf.length - end);
                if (n < 0) {
                    eof = true;
                } else {
                    end += n;
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static int indexOf(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** One line {@code buf[from, to)}: the fields are read with a streaming parser, {@code data} sliced verbatim. */
    static ArchivedMessage parse(byte[] buf, int from, int to, String name, long number) throws IOException {
        long ts = Long.MIN_VALUE;
        long seq = Long.MIN_VALUE;
        String subject = null;
        String id = null;
        byte[] frame = null;
        ArchivedMessage.Form form = null;
        try (JsonParser p = JSON.createParser(buf, from, to - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(name, number, "is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "ts" -> ts = p.getLongValue();
                    case "seq" -> seq = p.getLongValue();
                    case "subject" -> subject = p.getText();
                    case "id" -> id = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "data" -> {
                        int begin = from + (int) p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                        p.finishToken();
                        int stop = from + (int) p.currentLocation().getByteOffset();
                        frame = Arrays.copyOfRange(buf, begin, stop);
                        form = ArchivedMessage.Form.DATA;
                    }
                    case "raw" -> {
                        frame = p.getText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        form = ArchivedMessage.Form.RAW;
                    }
                    case "raw_base64" -> {
                        frame = Base64.getDecoder().decode(p.getText());
                        form = ArchivedMessage.Form.RAW_BASE64;
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw bad(name, number, "is not JSON: " + e.getMessage());
        }
        if (ts == Long.MIN_VALUE || seq == Long.MIN_VALUE || subject == null || frame == null) {
            throw bad(name, number, "lacks ts, seq, subject or data");
        }
        return new ArchivedMessage(ts, seq, subject, id, frame, form);
    }

    private static IOException bad(String name, long number, String what) {
        return new IOException(name + " line " + number + " " + what);
    }
}
