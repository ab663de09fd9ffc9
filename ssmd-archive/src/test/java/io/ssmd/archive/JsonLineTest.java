package io.ssmd.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.subject.ParsedSubject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The archive line and the layout's window arithmetic. */
class JsonLineTest {

    private static String line(String subject, String id, byte[] frame) {
        return new String(JsonLine.build(5, 7, subject, id, frame), StandardCharsets.UTF_8);
    }

    @Test
    void validJsonIsKeptVerbatimWithLineBreaksBetweenTokensAsSpaces() {
        assertThat(line("e.f.json.trade.X", "s:1:2:0", "{\"a\" :\r\n [1, \"b\\n\"]}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("{\"ts\":5,\"seq\":7,\"subject\":\"e.f.json.trade.X\",\"id\":\"s:1:2:0\","
                        + "\"data\":{\"a\" :   [1, \"b\\n\"]}}\n");
    }

    @Test
    void framesThatAreNotOneJsonValueAreRaw() throws Exception {
        for (String frame : new String[] {"PONG", "{\"a\":1} {\"b\":2}", "{\"a\":", "", "\"tab\there\""}) {
            String text = line("e.f.json.unparsed.f-0", null, frame.getBytes(StandardCharsets.UTF_8));
            assertThat(text).endsWith("}\n").doesNotContain("\"data\"").contains("\"id\":null");
            assertThat(new ObjectMapper().readTree(text).get("raw").textValue()).isEqualTo(frame);
        }
    }

    @Test
    void bytesThatAreNotUtf8AreKeptAsBase64() throws Exception {
        byte[] frame = {(byte) 0xff, 0x00, 0x41};
        String text = line("e.f.json.unparsed.f-0", "x\"y", frame);
        var node = new ObjectMapper().readTree(text);
        assertThat(node.get("id").textValue()).isEqualTo("x\"y");
        assertThat(java.util.Base64.getDecoder().decode(node.get("raw_base64").textValue()))
                .isEqualTo(frame);
    }

    @Test
    void windowsAlignInUtcAndNameFiles() {
        long t = ArchiveFixture.DAY0 + (13 * 60 + 47) * ArchiveFixture.MINUTE + 5;
        long window = ArchiveLayout.windowStart(t, Duration.ofMinutes(15));
        assertThat(window).isEqualTo(ArchiveFixture.DAY0 + (13 * 60 + 45) * ArchiveFixture.MINUTE);
        assertThat(ArchiveLayout.fileName(window, StorageSettings.Format.GZIP)).isEqualTo("1345.jsonl.gz");
        assertThat(ArchiveLayout.fileName(window, StorageSettings.Format.ZSTD)).isEqualTo("1345.jsonl.zst");
        assertThat(ArchiveLayout.date(window)).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(ArchiveLayout.windowOf(LocalDate.of(2026, 1, 1), "1345.jsonl.gz"))
                .contains(window);
        assertThat(ArchiveLayout.isSegment("1345.jsonl.gz.tmp")).isFalse();
    }

    @Test
    void subjectsGiveTypesAndTickers() {
        assertThat(ParsedSubject.parse("prod.kalshi.crypto.json.trade.KXBTC-1")).satisfies(p -> {
            assertThat(p.recordType()).isEqualTo("trade");
            assertThat(p.ticker()).contains("KXBTC-1");
        });
        assertThat(ParsedSubject.parse("prod.kraken.json.system.kraken-0").ticker())
                .isEmpty();
        assertThat(ParsedSubject.parse("prod.kraken.control.resync.kraken-0").controlEvent())
                .contains("resync");
        assertThat(ParsedSubject.parse("prod.kraken.ssmd.book.BTC-USD").recordType())
                .isEqualTo("ssmd.book");
    }
}
