package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.config.StorageSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveReaderTest {

    @TempDir
    Path dir;

    private static final byte[][] FRAMES = {
        "{\"type\":\"trade\",\"price\":\"0.1000\",\"nested\":{\"a\":[1,2,{\"b\":\"}\"}]}}"
                .getBytes(StandardCharsets.UTF_8),
        "[1,\"two\",3.000000000000000001]".getBytes(StandardCharsets.UTF_8),
        "\"a string frame with \\\"quotes\\\" and \\u00e9\"".getBytes(StandardCharsets.UTF_8),
        "12345.6789".getBytes(StandardCharsets.UTF_8),
        "PING not json {".getBytes(StandardCharsets.UTF_8),
        {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'},
        "{ \"spaced\" : true }".getBytes(StandardCharsets.UTF_8),
    };

    private static byte[] lines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES.length; i++) {
            out.writeBytes(JsonLine.build(
                    1_000 + i, 10 + i, "prod.kraken.json.trade.BTC-USD", i % 2 == 0 ? "id-" + i : null, FRAMES[i]));
        }
        return out.toByteArray();
    }

    @Test
    void everyFrameComesBackAsTheArchiveKeptItWithItsFields() throws IOException {
        List<ArchivedMessage> read = new ArrayList<>();
        ArchiveReader.read(new ByteArrayInputStream(lines()), "test", read::add);

        assertThat(read).hasSize(FRAMES.length);
        for (int i = 0; i < FRAMES.length; i++) {
            ArchivedMessage m = read.get(i);
            assertThat(m.ts()).isEqualTo(1_000 + i);
            assertThat(m.seq()).isEqualTo(10 + i);
            assertThat(m.subject()).isEqualTo("prod.kraken.json.trade.BTC-USD");
            assertThat(m.id()).isEqualTo(i % 2 == 0 ? "id-" + i : null);
            assertThat(m.frame()).as("frame %d", i).isEqualTo(FRAMES[i]);
        }
        assertThat(read)
                .extracting(ArchivedMessage::form)
                .containsExactly(
                        ArchivedMessage.Form.DATA,
                        ArchivedMessage.Form.DATA,
                        ArchivedMessage.Form.DATA,
                        ArchivedMessage.Form.DATA,
                        ArchivedMessage.Form.RAW,
                        ArchivedMessage.Form.RAW_BASE64,
                        ArchivedMessage.Form.DATA);
    }

    @Test
    void theLinesTheArchiverWritesAreReadByPositionExactlyAsTheParserReadsThem() throws IOException {
        byte[][] lines = {
            JsonLine.build(7, 8, "prod.kraken.json.trade.BTC-USD", "kraken-0:1:2:0", FRAMES[0]),
            JsonLine.build(7, 9, "prod.kraken.json.trade.BTC-USD", null, FRAMES[1]),
            JsonLine.build(
                    7,
                    10,
                    "prod.kraken.json.trade.BTC-USD",
                    "x",
                    "  {\"padded\":1}\r\n ".getBytes(StandardCharsets.UTF_8)),
            JsonLine.build(7, 11, "prod.kraken.json.trade.BTC-USD", "with \"quote\"", FRAMES[0]),
            JsonLine.build(7, 12, "prod.kraken.json.trade.BTC-USD", "n", FRAMES[3]),
            JsonLine.build(7, 13, "prod.kraken.json.trade.BTC-USD", "r", FRAMES[4]),
        };
        boolean[] fast = {true, true, true, false, false, false};
        for (int i = 0; i < lines.length; i++) {
            byte[] line = lines[i];
            int to = line.length - 1;
            ArchivedMessage byPosition = ArchiveReader.FastLine.parse(line, 0, to);
            ArchivedMessage parsed = ArchiveReader.parseJson(line, 0, to, "test", i + 1);
            assertThat(byPosition != null).as("line %d read by position", i).isEqualTo(fast[i]);
            if (byPosition != null) {
                assertThat(byPosition.toString()).isEqualTo(parsed.toString());
                assertThat(byPosition.frame()).isEqualTo(parsed.frame());
            }
        }
        // Cut short, a line is left to the parser, which refuses it.
        byte[] cut = java.util.Arrays.copyOf(lines[0], lines[0].length - 3);
        assertThat(ArchiveReader.FastLine.parse(cut, 0, cut.length)).isNull();
    }

    @Test
    void aLineLongerThanTheBufferIsReadWhole() throws IOException {
        String big = "{\"levels\":\"" + "9".repeat(700_000) + "\"}";
        byte[] line = JsonLine.build(1, 2, "s", "i", big.getBytes(StandardCharsets.UTF_8));
        List<ArchivedMessage> read = new ArrayList<>();
        ArchiveReader.read(new ByteArrayInputStream(line), "test", read::add);
        assertThat(read).singleElement().satisfies(m -> assertThat(m.text()).isEqualTo(big));
    }

    @Test
    void gzipAndZstdFilesReadTheSame() throws IOException {
        for (StorageSettings.Format format : StorageSettings.Format.values()) {
            Path file = dir.resolve("0000" + format.extension());
            try (OutputStream out = Compression.compress(format, Files.newOutputStream(file))) {
                out.write(lines());
            }
            List<ArchivedMessage> read = new ArrayList<>();
            ArchiveReader.read(file, read::add);
            assertThat(read)
                    .as("%s", format)
                    .extracting(ArchivedMessage::seq)
                    .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L);
        }
    }

    @Test
    void aBrokenLineIsNamedByFileAndNumber() {
        byte[] text = (new String(lines(), StandardCharsets.UTF_8) + "{\"ts\":1,\"seq\":2}\n")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ArchiveReader.read(new ByteArrayInputStream(text), "x.jsonl.gz", m -> {}))
                .isInstanceOf(IOException.class)
                .hasMessage("x.jsonl.gz line 8 lacks ts, seq, subject or data");
        assertThatThrownBy(() -> ArchiveReader.read(
                        new ByteArrayInputStream("{\"ts\":1,\n".getBytes(StandardCharsets.UTF_8)), "y", m -> {}))
                .hasMessageStartingWith("y line 1 is not JSON");
    }
}
