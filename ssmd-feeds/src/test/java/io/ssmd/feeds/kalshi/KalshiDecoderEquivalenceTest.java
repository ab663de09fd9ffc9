package io.ssmd.feeds.kalshi;

import io.ssmd.feeds.DecoderRecording;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Kalshi decoder held to the recording made from it before its rewrite (see {@link DecoderRecording}): every frame
 * of messages.jsonl twice through one decoder of a shard holding the sample's markets (the second round meets the
 * books and sids the first left: gaps, resyncs), and the production archive capture likewise.
 */
class KalshiDecoderEquivalenceTest {

    private static final Pattern MARKET = Pattern.compile("\"market_ticker\":\"([^\"]+)\"");

    @Test
    void theSampleDecodesExactlyAsRecorded() {
        List<String> lines = DecoderRecording.resourceLines("/kalshi/messages.jsonl");
        KalshiDecoder decoder = KalshiDecoderGoldenTest.decoder(DecoderRecording.instruments(MARKET, lines));
        new DecoderRecording()
                .run(decoder, "messages.jsonl round 1", lines)
                .run(decoder, "messages.jsonl round 2", lines)
                .assertMatches("kalshi-messages.txt");
    }

    @Test
    void theArchiveCaptureDecodesExactlyAsRecorded() {
        var capture = DecoderRecording.sharedLines("kalshi", "archive-capture.jsonl");
        Assumptions.assumeTrue(capture.isPresent(), "no shared archive capture (set -Dssmd.shared.dir)");
        List<String> lines = capture.get();
        KalshiDecoder decoder = KalshiDecoderGoldenTest.decoder(DecoderRecording.instruments(MARKET, lines));
        new DecoderRecording()
                .run(decoder, "archive-capture.jsonl round 1", lines)
                .run(decoder, "archive-capture.jsonl round 2", lines)
                .assertMatches("kalshi-archive-capture.txt");
    }

    @Test
    void brokenVariantsOfTheSampleDecodeExactlyAsRecorded() {
        List<String> lines = DecoderRecording.resourceLines("/kalshi/messages.jsonl");
        KalshiDecoder decoder = KalshiDecoderGoldenTest.decoder(DecoderRecording.instruments(MARKET, lines));
        new DecoderRecording()
                .run(decoder, "mutations", DecoderRecording.mutations(lines))
                .assertMatches("kalshi-mutations.txt");
    }
}
