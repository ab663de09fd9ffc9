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

    /**
     * One line {@code buf[from, to)}. A line as {@link JsonLine#build} writes it (fields in its order, a {@code data}
     * frame last, no escapes in subject and id) is read by position without tokenizing the frame, which is most of the
     * line; any other line is read with a streaming parser. Either way {@code data} is sliced verbatim.
     */
    static ArchivedMessage parse(byte[] buf, int from, int to, String name, long number) throws IOException {
        ArchivedMessage fast = FastLine.parse(buf, from, to);
        return fast != null ? fast : parseJson(buf, from, to, name, number);
    }

    /** Reads the lines {@link JsonLine#build} writes by position; null for any other shape. */
    static final class FastLine {
        private static final byte[] TS = ascii("{\"ts\":");
        private static final byte[] SEQ = ascii(",\"seq\":");
        private static final byte[] SUBJECT = ascii(",\"subject\":\"");
        private static final byte[] ID = ascii(",\"id\":");
        private static final byte[] NULL = ascii("null");
        private static final byte[] DATA = ascii(",\"data\":");

        private FastLine() {}

        private static byte[] ascii(String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }

        static ArchivedMessage parse(byte[] buf, int from, int to) {
            int end = to;
            while (end > from && isSpace(buf[end - 1])) {
                end--;
            }
            if (end - from < 32 || buf[end - 1] != '}' || !at(buf, from, end, TS)) {
                return null;
            }
            int i = from + TS.length;
            long ts = 0;
            int digits = i;
            while (i < end && buf[i] >= '0' && buf[i] <= '9') {
                ts = ts * 10 + (buf[i++] - '0');
            }
            if (i == digits || i - digits > 18 || !at(buf, i, end, SEQ)) {
                return null;
            }
            i += SEQ.length;
            long seq = 0;
            digits = i;
            while (i < end && buf[i] >= '0' && buf[i] <= '9') {
                seq = seq * 10 + (buf[i++] - '0');
            }
            if (i == digits || i - digits > 18 || !at(buf, i, end, SUBJECT)) {
                return null;
            }
            i += SUBJECT.length;
            int close = closingQuote(buf, i, end);
            if (close < 0) {
                return null;
            }
            String subject = new String(buf, i, close - i, java.nio.charset.StandardCharsets.UTF_8);
            i = close + 1;
            if (!at(buf, i, end, ID)) {
                return null;
            }
            i += ID.length;
            String id;
            if (at(buf, i, end, NULL)) {
                id = null;
                i += NULL.length;
            } else if (i < end && buf[i] == '"') {
                close = closingQuote(buf, i + 1, end);
                if (close < 0) {
                    return null;
                }
                id = new String(buf, i + 1, close - i - 1, java.nio.charset.StandardCharsets.UTF_8);
                i = close + 1;
            } else {
                return null;
            }
            if (!at(buf, i, end, DATA)) {
                return null;
            }
            int begin = i + DATA.length;
            int stop = end - 1;
            while (begin < stop && isSpace(buf[begin])) {
                begin++;
            }
            while (stop > begin && isSpace(buf[stop - 1])) {
                stop--;
            }
            // Objects and arrays (every venue's frames) end with their own bracket; anything else is checked by the
            // parser.
            byte open = buf[begin];
            byte last = buf[stop - 1];
            if (stop <= begin || !(open == '{' && last == '}' || open == '[' && last == ']')) {
                return null;
            }
            return new ArchivedMessage(
                    ts, seq, subject, id, Arrays.copyOfRange(buf, begin, stop), ArchivedMessage.Form.DATA);
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\t' || b == '\r' || b == '\n';
        }

        private static boolean at(byte[] buf, int i, int end, byte[] expected) {
            if (end - i < expected.length) {
                return false;
            }
            for (int k = 0; k < expected.length; k++) {
                if (buf[i + k] != expected[k]) {
                    return false;
                }
            }
            return true;
        }

        /** The closing quote of a string starting at {@code i}; -1 when it holds an escape (left to the parser). */
        private static int closingQuote(byte[] buf, int i, int end) {
            for (int k = i; k < end; k++) {
                if (buf[k] == '"') {
                    return k;
                }
                if (buf[k] == '\\' || (buf[k] & 0xff) < 0x20) {
                    return -1;
                }
            }
            return -1;
        }
    }

    /** One line read with a streaming parser: any field order, escapes, {@code raw} and {@code raw_base64} frames. */
    static ArchivedMessage parseJson(byte[] buf, int from, int to, String name, long number) throws IOException {
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
