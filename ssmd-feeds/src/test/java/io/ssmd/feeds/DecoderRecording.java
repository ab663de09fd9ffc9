package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a decoder made of a run of frames, written out line by line so that a later decoder can be held to exactly the
 * same: per frame its kind, counted type and reason, every published message (subject, element, payload bytes: the
 * word {@code frame} when the payload is the whole frame, else the slice's text), replies, resyncs and rejections,
 * then every checked book that changed with that frame, level by level as the decoder reports it.
 *
 * <p>The recordings under {@code src/test/resources/decoded/} were made once from the decoders before their
 * tree-free rewrite (issue 20) and are compared, line for line, ever since: any drift in routing, payload slicing,
 * book checks or resync replies fails. {@code -Dssmd.record.decoded=true} writes them anew (from the module
 * directory), which is only right when a change of output is intended and reviewed in the diff.
 */
public final class DecoderRecording {

    private final List<String> lines = new ArrayList<>();
    private final Map<String, String> lastBooks = new HashMap<>();

    /** Runs {@code frames} through {@code decoder} in order (one connection), recording each under {@code source}. */
    public DecoderRecording run(FrameDecoder decoder, String source, List<String> frames) {
        for (int i = 0; i < frames.size(); i++) {
            byte[] frame = frames.get(i).getBytes(StandardCharsets.UTF_8);
            Decoded decoded = decoder.decode(frame);
            lines.add("== " + source + ":" + (i + 1));
            // Parser messages hold line breaks ("\n at [Source: ...]"): escaped, so a recorded line stays one line.
            lines.add("kind " + decoded.kind() + " type " + decoded.type() + " reason " + oneLine(decoded.reason()));
            for (Decoded.Routed routed : decoded.messages()) {
                String payload = Arrays.equals(routed.payload(), frame)
                        ? "frame"
                        : "slice " + new String(routed.payload(), StandardCharsets.UTF_8);
                lines.add("msg " + routed.element() + " " + routed.subject() + " " + payload);
            }
            decoded.replies().forEach(reply -> lines.add("reply " + reply));
            decoded.resyncs().forEach(r -> lines.add("resync " + r.instrument() + ": " + r.reason()));
            decoded.rejections().forEach(r -> lines.add("reject " + r.instrument() + ": " + r.reason()));
            books(decoder);
        }
        return this;
    }

    private static String oneLine(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private void books(FrameDecoder decoder) {
        Set<String> checked = new TreeSet<>(decoder.checkedBooks());
        for (String gone : new TreeSet<>(lastBooks.keySet())) {
            if (!checked.contains(gone)) {
                lastBooks.remove(gone);
                lines.add("book " + gone + " unchecked");
            }
        }
        for (String instrument : checked) {
            Optional<BookSnapshot> book = decoder.checkedBook(instrument);
            String text = book.map(b -> "token " + decoder.bookToken(instrument) + " bids " + levels(b.bids())
                            + " asks " + levels(b.asks()))
                    .orElse("reported checked, but no book");
            if (!text.equals(lastBooks.put(instrument, text))) {
                lines.add("book " + instrument + " " + text);
            }
        }
    }

    /** Prices and sizes with their scale ({@code 0.50} is not {@code 0.5}): the wire's digits are what is kept. */
    private static String levels(List<Level> levels) {
        StringBuilder text = new StringBuilder("[");
        for (Level level : levels) {
            text.append(text.length() > 1 ? " " : "")
                    .append(level.price())
                    .append('@')
                    .append(level.size());
        }
        return text.append(']').toString();
    }

    public List<String> lines() {
        return lines;
    }

    /**
     * Asserts that this recording equals the resource {@code /decoded/NAME}, or writes it there when
     * {@code ssmd.record.decoded} is set.
     */
    public void assertMatches(String name) {
        if (Boolean.getBoolean("ssmd.record.decoded")) {
            Path file = Path.of("src/test/resources/decoded", name);
            try {
                Files.createDirectories(file.getParent());
                Files.write(file, lines, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        List<String> expected = resourceLines("/decoded/" + name);
        assertThat(lines.size()).as("lines in the recording " + name).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            // The frame a line belongs to, so a failure names it.
            String frame = "";
            for (int j = i; j >= 0; j--) {
                if (expected.get(j).startsWith("== ")) {
                    frame = expected.get(j);
                    break;
                }
            }
            assertThat(lines.get(i))
                    .as(name + " line " + (i + 1) + " (" + frame + ")")
                    .isEqualTo(expected.get(i));
        }
    }

    /**
     * Broken and odd variants of each frame, which a venue or a bad proxy could send: cut in half, with trailing
     * garbage, with a second JSON value after it, wrapped in an array, and with every {@code "} of its first key
     * dropped. Decoded, each must land where it did before (unparsed, for the same reason), whatever parser reads it.
     */
    public static List<String> mutations(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(line.substring(0, line.length() / 2));
            out.add(line + " x");
            out.add(line + " {}");
            out.add("[" + line + "]");
            int quote = line.indexOf('"');
            int close = quote < 0 ? -1 : line.indexOf('"', quote + 1);
            if (close > 0) {
                out.add(line.substring(0, quote) + line.substring(quote + 1, close) + line.substring(close + 1));
            }
        }
        return out;
    }

    /** The lines of a class-path resource, blank ones left out. */
    public static List<String> resourceLines(String name) {
        try (InputStream in = DecoderRecording.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a file of the shared exchanges directory (archive captures), empty when it is not there. */
    public static Optional<List<String>> sharedLines(String venue, String file) {
        Path path = Path.of(System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges", venue, file);
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    Files.readAllLines(path).stream().filter(l -> !l.isBlank()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every distinct first group of {@code pattern} in the lines, in order of appearance: a shard's instruments. */
    public static List<String> instruments(Pattern pattern, List<String> lines) {
        Set<String> found = new LinkedHashSet<>();
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return List.copyOf(found);
    }
}
