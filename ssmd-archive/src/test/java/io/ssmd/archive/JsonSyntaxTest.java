package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The archiver's JSON check against Jackson's parser, which it replaced: the same answer for every venue sample frame
 * and for every frame made from them by cutting, deleting or replacing one byte, where the bytes are UTF-8; where they
 * are not, the check refuses them (Jackson let some through).
 */
class JsonSyntaxTest {

    private static final JsonFactory JACKSON = new JsonFactory();

    /** What the archiver asked before: one JSON value and nothing after it, by Jackson's parser. */
    private static boolean jackson(byte[] frame) {
        if (frame.length == 0) {
            return false;
        }
        try (JsonParser parser = JACKSON.createParser(frame)) {
            if (parser.nextToken() == null) {
                return false;
            }
            // Reading every token, strings included, so that Jackson checks their bytes too.
            int depth = 0;
            do {
                switch (parser.currentToken()) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case VALUE_STRING, FIELD_NAME -> parser.getText();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
                    default -> {}
                }
            } while (depth > 0 && parser.nextToken() != null);
            return depth == 0 && parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<byte[]> samples() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (String venue : List.of("kalshi", "kraken", "kraken-futures", "polymarket")) {
            try (InputStream in = JsonSyntaxTest.class.getResourceAsStream("/frames/" + venue + ".jsonl")) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        frames.add(line.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return frames;
    }

    @Test
    void everySampleFrameIsJson() throws IOException {
        List<byte[]> frames = samples();
        assertThat(frames).hasSizeGreaterThan(70);
        for (byte[] frame : frames) {
            assertThat(JsonSyntax.isJson(frame))
                    .as(new String(frame, StandardCharsets.UTF_8))
                    .isTrue();
        }
    }

    @Test
    void everyFrameCutDeletedOrChangedAtAnyByteIsJudgedAsJacksonJudgesIt() throws IOException {
        byte[] replacements = {
            '"',
            '{',
            '}',
            '[',
            ']',
            ',',
            ':',
            '\\',
            '0',
            '1',
            '-',
            '+',
            '.',
            'e',
            'u',
            'x',
            ' ',
            '\n',
            '\t',
            0x01,
            (byte) 0xc3,
            (byte) 0xa9,
            (byte) 0xed,
            (byte) 0xff
        };
        int checked = 0;
        int valid = 0;
        List<String> disagreements = new ArrayList<>();
        for (byte[] frame : samples()) {
            // Every byte of the first 300: each frame's structure starts there, and Polymarket's books are long.
            for (int at = 0; at < Math.min(frame.length, 300); at++) {
                List<byte[]> variants = new ArrayList<>();
                variants.add(java.util.Arrays.copyOf(frame, at));
                byte[] deleted = new byte[frame.length - 1];
                System.arraycopy(frame, 0, deleted, 0, at);
                System.arraycopy(frame, at + 1, deleted, at, frame.length - at - 1);
                variants.add(deleted);
                for (byte r : replacements) {
                    byte[] changed = frame.clone();
                    changed[at] = r;
                    variants.add(changed);
                }
                for (byte[] variant : variants) {
                    // Jackson lets bytes that are not UTF-8 through inside strings and names (0xff in a name is
                    // read); the archive refuses them as data, so that every line it writes is UTF-8 (they are
                    // kept as raw_base64).
                    boolean expected = utf8(variant) && jackson(variant);
                    checked++;
                    valid += expected ? 1 : 0;
                    if (JsonSyntax.isJson(variant) != expected && disagreements.size() < 10) {
                        disagreements.add((expected ? "should read " : "should refuse ") + describe(variant));
                    }
                }
            }
        }
        assertThat(disagreements).as("of %d variants", checked).isEmpty();
        // Both kinds are in the set: the check is not vacuous either way.
        assertThat(valid).isGreaterThan(checked / 20).isLessThan(checked - checked / 20);
    }

    private static boolean utf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static String describe(byte[] frame) {
        StringBuilder b = new StringBuilder();
        for (byte x : frame) {
            b.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return b.toString();
    }

    @Test
    void theGrammarsCornersAndTheReadLimits() {
        for (String ok : List.of(
                "0",
                "-0.5e+10",
                "1E3",
                " \"\\u00e9\\n\\/\" ",
                "[]",
                "{}",
                "[1,[2,{\"a\":null}],true,false]",
                "\"é€𝄞\"",
                "{\"a\" :\r\n [1]}")) {
            assertThat(JsonSyntax.isJson(ok.getBytes(StandardCharsets.UTF_8)))
                    .as(ok)
                    .isTrue();
        }
        for (String bad : List.of(
                "",
                " ",
                "01",
                "1.",
                ".5",
                "-",
                "1e",
                "+1",
                "NaN",
                "tru",
                "nul",
                "[1,]",
                "{\"a\":1,}",
                "{\"a\" 1}",
                "{1:2}",
                "\"\\x\"",
                "\"\\u12g4\"",
                "\"tab\there\"",
                "{} {}",
                "[1] x",
                "\"open")) {
            assertThat(JsonSyntax.isJson(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad)
                    .isFalse();
        }
        // UTF-8 that is not (an overlong form, a surrogate, above U+10FFFF, a cut sequence): Jackson reads some of
        // them, the archive keeps none of them as data.
        for (byte[] bad : List.of(
                new byte[] {'"', (byte) 0xc0, (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xe2, (byte) 0x82, '"'})) {
            assertThat(JsonSyntax.isJson(bad)).as(describe(bad)).isFalse();
        }
        // As deep as Jackson reads by default, and no deeper.
        assertThat(JsonSyntax.isJson(nested(JsonSyntax.MAX_DEPTH))).isTrue();
        assertThat(jackson(nested(JsonSyntax.MAX_DEPTH))).isTrue();
        assertThat(JsonSyntax.isJson(nested(JsonSyntax.MAX_DEPTH + 1))).isFalse();
        assertThat(jackson(nested(JsonSyntax.MAX_DEPTH + 1))).isFalse();
    }

    private static byte[] nested(int depth) {
        return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.US_ASCII);
    }
}
