package io.ssmd.feeds.kraken;

import io.ssmd.feeds.DecoderRecording;
import io.ssmd.feeds.kraken.replay.KrakenSyntheticMarket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Kraken decoder held to the recording made from it before its rewrite (see {@link DecoderRecording}): every frame
 * of messages.jsonl, twice through one decoder (so the second round meets the books the first left), and a synthetic
 * session of book snapshots, multi-symbol book updates (some with a wrong checksum, which resyncs) and trades.
 */
class KrakenDecoderEquivalenceTest {

    private static final Pattern SYMBOL = Pattern.compile("\"symbol\":\"([^\"]+)\"");

    @Test
    void theSampleDecodesExactlyAsRecorded() {
        List<String> lines = DecoderRecording.resourceLines("/kraken/messages.jsonl");
        KrakenDecoder decoder = KrakenFeedFixture.decoder(DecoderRecording.instruments(SYMBOL, lines));
        new DecoderRecording()
                .run(decoder, "messages.jsonl round 1", lines)
                .run(decoder, "messages.jsonl round 2", lines)
                .assertMatches("kraken-messages.txt");
    }

    @Test
    void aSyntheticSessionDecodesExactlyAsRecorded() {
        List<String> symbols = List.of("BTC/USD", "ETH/USD");
        KrakenSyntheticMarket market = new KrakenSyntheticMarket(20);
        long now = 1_770_000_000_000_000L;
        List<String> frames = new ArrayList<>();
        for (String symbol : symbols) {
            frames.add(market.bookSnapshot(symbol, 10, now));
        }
        for (int i = 1; i <= 120; i++) {
            now += 1_000;
            boolean wrong = i % 41 == 0;
            frames.add(market.bookUpdate(i % 3 == 0 ? symbols : List.of(symbols.get(i % 2)), now, wrong));
            KrakenSyntheticMarket.Traded traded = market.trades(symbols, s -> true, now, false);
            frames.add(traded.tradeFrame());
            frames.add(traded.bookFrame());
            if (wrong) {
                // The resubscribe's answer: a fresh snapshot of the broken book.
                frames.add(market.bookSnapshot(symbols.get(i % 3 == 0 ? 0 : i % 2), 10, now));
            }
        }
        KrakenDecoder decoder = KrakenFeedFixture.decoder(symbols);
        new DecoderRecording().run(decoder, "synthetic", frames).assertMatches("kraken-synthetic.txt");
    }

    @Test
    void brokenVariantsOfTheSampleDecodeExactlyAsRecorded() {
        List<String> lines = DecoderRecording.resourceLines("/kraken/messages.jsonl");
        KrakenDecoder decoder = KrakenFeedFixture.decoder(DecoderRecording.instruments(SYMBOL, lines));
        new DecoderRecording()
                .run(decoder, "mutations", DecoderRecording.mutations(lines))
                .assertMatches("kraken-mutations.txt");
    }
}
