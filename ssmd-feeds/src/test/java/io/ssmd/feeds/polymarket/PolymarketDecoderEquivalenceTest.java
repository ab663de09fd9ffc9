package io.ssmd.feeds.polymarket;

import io.ssmd.feeds.DecoderRecording;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Polymarket decoder held to the recording made from it before its rewrite (see {@link DecoderRecording}): every
 * frame of messages.jsonl twice through one decoder of a shard holding the sample's assets (the second round meets
 * the books the first left: best bid/ask mismatches, resyncs), the same frames again as one array frame (sliced), and
 * the archive capture likewise.
 */
class PolymarketDecoderEquivalenceTest {

    @Test
    void theSampleDecodesExactlyAsRecorded() {
        List<String> lines = DecoderRecording.resourceLines("/polymarket/messages.jsonl");
        PolymarketDecoder decoder = PolymarketGoldenTest.decoder(lines);
        List<String> objects = lines.stream().filter(l -> l.startsWith("{")).toList();
        new DecoderRecording()
                .run(decoder, "messages.jsonl round 1", lines)
                .run(decoder, "messages.jsonl round 2", lines)
                .run(decoder, "messages.jsonl as one array", List.of("[" + String.join(",", objects) + "]"))
                .assertMatches("polymarket-messages.txt");
    }

    @Test
    void theArchiveCaptureDecodesExactlyAsRecorded() {
        var capture = DecoderRecording.sharedLines("polymarket", "archive-capture.jsonl");
        Assumptions.assumeTrue(capture.isPresent(), "no shared archive capture (set -Dssmd.shared.dir)");
        List<String> lines = capture.get();
        PolymarketDecoder decoder = PolymarketGoldenTest.decoder(lines);
        new DecoderRecording()
                .run(decoder, "archive-capture.jsonl round 1", lines)
                .run(decoder, "archive-capture.jsonl round 2", lines)
                .assertMatches("polymarket-archive-capture.txt");
    }

    @Test
    void brokenVariantsOfTheSampleDecodeExactlyAsRecorded() {
        List<String> lines = DecoderRecording.resourceLines("/polymarket/messages.jsonl");
        PolymarketDecoder decoder = PolymarketGoldenTest.decoder(lines);
        new DecoderRecording()
                .run(decoder, "mutations", DecoderRecording.mutations(lines))
                .assertMatches("polymarket-mutations.txt");
    }
}
