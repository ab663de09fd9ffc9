package io.ssmd.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.subject.ParsedSubject;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** Reads the lines of a committed segment back: for the manifest rebuild, {@code verify} and tests. */
public final class SegmentReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SegmentReader() {}

    /**
     * One line read back.
     *
     * @param control the control event when the line is one (its {@code data} parses as a {@link ControlEvent})
     */
    public record Line(long seq, long ts, String subject, Optional<ControlEvent> control, boolean raw) {}

    /**
     * Calls {@code each} for every line, in file order.
     *
     * @throws IOException when the file cannot be read or decompressed, or a line is not an archive line
     */
    public static void read(Path file, Consumer<Line> each) throws IOException {
        StorageSettings.Format format = StorageSettings.Format.ofFile(
                        file.getFileName().toString())
                .orElseThrow(() -> new IOException(file + " is not a .jsonl.gz or .jsonl.zst file"));
        try (InputStream in = Compression.decompress(format, new BufferedInputStream(Files.newInputStream(file)));
                BufferedReader lines =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024)) {
            String text;
            long number = 0;
            while ((text = lines.readLine()) != null) {
                number++;
                each.accept(parse(text, file, number));
            }
        }
    }

    private static Line parse(String text, Path file, long number) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            throw new IOException(file + " line " + number + " is not JSON: " + e.getMessage(), e);
        }
        if (node == null
                || !node.path("seq").canConvertToLong()
                || !node.path("ts").canConvertToLong()
                || !node.path("subject").isTextual()
                || !(node.has("data") || node.has("raw") || node.has("raw_base64"))) {
            throw new IOException(file + " line " + number + " lacks ts, seq, subject or data");
        }
        String subject = node.get("subject").textValue();
        Optional<ControlEvent> control = Optional.empty();
        if (node.has("data") && ParsedSubject.parse(subject).controlEvent().isPresent()) {
            try {
                control = Optional.of(ControlEvent.fromJson(JSON.writeValueAsBytes(node.get("data"))));
            } catch (IOException | RuntimeException e) {
                control = Optional.empty();
            }
        }
        return new Line(node.get("seq").longValue(), node.get("ts").longValue(), subject, control, !node.has("data"));
    }
}
