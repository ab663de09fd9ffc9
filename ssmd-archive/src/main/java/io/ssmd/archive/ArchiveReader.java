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
        byte[] buf = new byte[BUFFER];
        int start = 0;
        int end = 0;
        long number = 0;
        while (true) {
            int newline = indexOf(buf, start, end);
            if (newline >= 0) {
                number++;
                if (newline > start) {
                    each.accept(parse(buf, start, newline, name, number));
                }
                start = newline + 1;
                continue;
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
                if (end > start) {
                    number++;
                    each.accept(parse(buf, start, end, name, number));
                }
                return;
            }
            end += n;
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
