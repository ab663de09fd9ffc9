package io.ssmd.feeds.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The production checksum and the test's independent one agree with Kraken's worked example and with each other. */
public class KrakenChecksumTest {

    /** The docs' worked example (exchanges/kraken/messages.jsonl line 11) and its published checksum. */
    private static final long DOCS_CHECKSUM = 3310070434L;

    public static List<String> sampleLines() throws IOException {
        try (InputStream in = KrakenChecksumTest.class.getResourceAsStream("/kraken/messages.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static ClientBook.Entry docsExample() throws IOException {
        List<ClientBook.Entry> entries = ClientBook.entries(sampleLines().get(10));
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    @Test
    void bothImplementationsGiveTheDocsWorkedExample() throws IOException {
        ClientBook.Entry example = docsExample();
        assertThat(example.checksum()).isEqualTo(DOCS_CHECKSUM);

        List<KrakenChecksum.Level> asks = new ArrayList<>();
        example.asks().forEach(l -> asks.add(new KrakenChecksum.Level(l[0], l[1])));
        List<KrakenChecksum.Level> bids = new ArrayList<>();
        example.bids().forEach(l -> bids.add(new KrakenChecksum.Level(l[0], l[1])));
        assertThat(KrakenChecksum.of(asks, bids)).isEqualTo(DOCS_CHECKSUM);

        assertThat(new ClientBook(10).apply(example, true)).isEqualTo(DOCS_CHECKSUM);
    }

    @Test
    void theIndependentTokensMatchTheDocsAsksString() throws IOException {
        StringBuilder asks = new StringBuilder();
        docsExample()
                .asks()
                .forEach(l -> asks.append(IndependentChecksum.token(l[0])).append(IndependentChecksum.token(l[1])));
        // The asks half of the checksummed string, as PROTOCOLS.md §2.4 quotes it from the docs.
        assertThat(asks.toString())
                .isEqualTo("4528521000004528641545719534528661545711094528961545609114529021589066"
                        + "0452918154553491452947445474945296135380000452975994554245299518772827");
        assertThat(IndependentChecksum.token("0.00100000")).isEqualTo("100000");
        assertThat(IndependentChecksum.token("45285.2")).isEqualTo("452852");
        assertThat(IndependentChecksum.token("0.5657")).isEqualTo("5657");
    }

    @Test
    void theBitwiseCrcIsTheStandardOne() {
        for (String text : List.of("", "a", "123456789", "4528521000004528641545719534528661")) {
            CRC32 crc = new CRC32();
            crc.update(text.getBytes(StandardCharsets.US_ASCII));
            assertThat(IndependentChecksum.crc32(text)).as(text).isEqualTo(crc.getValue());
        }
        assertThat(IndependentChecksum.crc32("123456789")).isEqualTo(0xCBF43926L);
    }

    @Test
    void theWireTextMattersAFloatRoundTripBreaksIt() throws IOException {
        ClientBook.Entry example = docsExample();
        Map<String, String> bids = new LinkedHashMap<>();
        Map<String, String> asks = new LinkedHashMap<>();
        example.bids().forEach(l -> bids.put(l[0], String.valueOf(Double.parseDouble(l[1]))));
        example.asks().forEach(l -> asks.put(l[0], String.valueOf(Double.parseDouble(l[1]))));
        assertThat(IndependentChecksum.of(bids, asks)).isNotEqualTo(DOCS_CHECKSUM);
    }

    @Test
    void onlyTheTopTenOfEachSideCount() throws IOException {
        ClientBook.Entry example = docsExample();
        List<KrakenChecksum.Level> asks = new ArrayList<>();
        example.asks().forEach(l -> asks.add(new KrakenChecksum.Level(l[0], l[1])));
        asks.add(new KrakenChecksum.Level("45300.0", "9.00000000"));
        List<KrakenChecksum.Level> bids = new ArrayList<>();
        example.bids().forEach(l -> bids.add(new KrakenChecksum.Level(l[0], l[1])));
        bids.add(new KrakenChecksum.Level("45200.0", "9.00000000"));
        assertThat(KrakenChecksum.of(asks, bids)).isEqualTo(DOCS_CHECKSUM);
    }
}
