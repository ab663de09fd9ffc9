package io.ssmd.feeds.krakenfutures;

import io.ssmd.feeds.DecoderRecording;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Kraken Futures decoder held to the recording made from it before its rewrite (see {@link DecoderRecording}):
 * every frame of messages.jsonl twice through one decoder of a shard holding the sample's products (the second round
 * meets the books the first left: seq gaps, resyncs), and the archive capture likewise.
 */
class KrakenFuturesDecoderEquivalenceTest {

    private static final Pattern PRODUCT = Pattern.compile("\"product_id\":\"([^\"]+)\"");

    @Test
    void theSampleDecodesExactlyAsRecorded() {
        List<String> lines = DecoderRecording.resourceLines("/kraken-futures/messages.jsonl");
        KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(DecoderRecording.instruments(PRODUCT, lines));
        new DecoderRecording()
                .run(decoder, "messages.jsonl round 1", lines)
                .run(decoder, "messages.jsonl round 2", lines)
                .assertMatches("kraken-futures-messages.txt");
    }

    @Test
    void theArchiveCaptureDecodesExactlyAsRecorded() {
        var capture = DecoderRecording.sharedLines("kraken-futures", "archive-capture.jsonl");
        Assumptions.assumeTrue(capture.isPresent(), "no shared archive capture (set -Dssmd.shared.dir)");
        List<String> lines = capture.get();
        KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(DecoderRecording.instruments(PRODUCT, lines));
        new DecoderRecording()
                .run(decoder, "archive-capture.jsonl round 1", lines)
                .run(decoder, "archive-capture.jsonl round 2", lines)
                .assertMatches("kraken-futures-archive-capture.txt");
    }

    @Test
    void brokenVariantsOfTheSampleDecodeExactlyAsRecorded() {
        List<String> lines = DecoderRecording.resourceLines("/kraken-futures/messages.jsonl");
        KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(DecoderRecording.instruments(PRODUCT, lines));
        new DecoderRecording()
                .run(decoder, "mutations", DecoderRecording.mutations(lines))
                .assertMatches("kraken-futures-mutations.txt");
    }
}
