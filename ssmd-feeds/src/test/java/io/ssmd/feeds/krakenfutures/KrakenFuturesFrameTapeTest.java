package io.ssmd.feeds.krakenfutures;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.feeds.DecoderRecording;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The tape reads every feed frame of the sample as {@link KrakenFuturesFrame#read} does, so the decoder takes its fast
 * path on them and {@code KrakenFuturesDecoderEquivalenceTest} covers it.
 */
class KrakenFuturesFrameTapeTest {

    @Test
    void readsEveryFeedFrameAsJacksonDoes() throws Exception {
        KrakenFuturesFrameTape fast = new KrakenFuturesFrameTape();
        int read = 0;
        for (String line : DecoderRecording.resourceLines("/kraken-futures/messages.jsonl")) {
            if (!line.contains("\"feed\"")) {
                continue;
            }
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            KrakenFuturesFrame tape = fast.read(frame);
            assertThat(tape).as(line).isNotNull();
            assertThat(describe(tape)).as(line).isEqualTo(describe(KrakenFuturesFrame.read(frame)));
            read++;
        }
        assertThat(read).isGreaterThan(5);
    }

    private static String describe(KrakenFuturesFrame f) {
        StringBuilder out = new StringBuilder();
        out.append(f.object)
                .append(' ')
                .append(f.event)
                .append(' ')
                .append(f.feed)
                .append(' ')
                .append(f.feedText);
        out.append(' ')
                .append(f.productId)
                .append(' ')
                .append(f.message)
                .append(' ')
                .append(f.productIds);
        out.append(' ')
                .append(f.seq)
                .append(' ')
                .append(f.side)
                .append(' ')
                .append(f.price)
                .append(' ');
        out.append(f.qty).append(' ').append(f.bids).append(' ').append(f.asks);
        if (f.trades != null) {
            out.append(' ').append(f.trades.arrayStart()).append('-').append(f.trades.arrayEnd());
            f.trades
                    .elements()
                    .forEach(r -> out.append(' ').append(r[0]).append('-').append(r[1]));
        }
        return out.toString();
    }
}
