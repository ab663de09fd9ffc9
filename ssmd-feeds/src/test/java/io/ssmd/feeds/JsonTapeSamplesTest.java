package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.ssmd.core.shard.JsonTape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link JsonTape} against Jackson's parser on the venues' sample frames and their broken variants. */
class JsonTapeSamplesTest {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The decoders read a frame the tape accepts on their fast path and never ask Jackson: the tape must accept nothing
     * that Jackson's parser refuses. Sample frames of every venue, cut at every length and with a byte changed at
     * every third position, are read by both.
     */
    @Test
    void acceptsNothingJacksonRefuses() {
        JsonTape tape = new JsonTape();
        List<byte[]> frames = new ArrayList<>();
        for (String venue : List.of("kraken", "kraken-futures", "kalshi", "polymarket")) {
            List<String> lines = DecoderRecording.resourceLines("/" + venue + "/messages.jsonl");
            for (int i = 0; i < Math.min(lines.size(), 30); i++) {
                if (lines.get(i).length() <= 600) {
                    frames.add(lines.get(i).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(frames).hasSizeGreaterThan(60);
        byte[] replacements = {'"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', '.', 'e', ' ', 'x', 0x01, (byte) 0xc3
        };
        int accepted = 0;
        int compared = 0;
        for (byte[] frame : frames) {
            if (!new String(frame, StandardCharsets.UTF_8).equals("PONG")) {
                assertThat(tape.read(frame))
                        .as(new String(frame, StandardCharsets.UTF_8))
                        .isEqualTo(jackson(frame));
            }
            for (int cut = 0; cut < frame.length; cut++) {
                byte[] shorter = Arrays.copyOf(frame, cut);
                compared++;
                if (tape.read(shorter)) {
                    accepted++;
                    assertThat(jackson(shorter))
                            .as(new String(shorter, StandardCharsets.UTF_8))
                            .isTrue();
                }
            }
            for (int at = 0; at < frame.length; at += 3) {
                for (byte replacement : replacements) {
                    byte[] changed = frame.clone();
                    changed[at] = replacement;
                    compared++;
                    if (tape.read(changed)) {
                        accepted++;
                        assertThat(jackson(changed))
                                .as(new String(changed, StandardCharsets.UTF_8))
                                .isTrue();
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(10_000);
        assertThat(accepted).isGreaterThan(100);
    }

    /** Whether Jackson's parser reads the bytes as exactly one value, every name, string and number token read in full (its text: what the decoders read). */
    private static boolean jackson(byte[] bytes) {
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() == null) {
                return false;
            }
            int depth = 0;
            do {
                switch (p.currentToken()) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME, VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
                    default -> {}
                }
            } while (depth > 0 && p.nextToken() != null);
            return depth == 0 && p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
